// One emulator per suite: started before the suite, reset before each test,
// closed after; with the real SDK ports pointed at it. Call inside describe().
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/src/server';

export interface EmulatorFixture {
  /** The running emulator (valid inside hooks and tests). */
  readonly emu: Emulator;
  /** createCloudPorts against it. */
  readonly ports: CloudPorts;
}

export function useEmulator(opts: EmulatorOptions = { knobs: { buildSeconds: 0.4, deploySeconds: 0.1 } }): EmulatorFixture {
  let emu: Emulator | undefined;
  let ports: CloudPorts | undefined;
  before(async () => {
    emu = await startEmulator(opts);
    ports = createCloudPorts({ emulatorHost: emu.host });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu?.reset());
  return {
    get emu() {
      if (!emu) throw new Error('the emulator is not started: use it inside a test or hook');
      return emu;
    },
    get ports() {
      if (!ports) throw new Error('the emulator is not started: use it inside a test or hook');
      return ports;
    },
  };
}
