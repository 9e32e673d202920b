// One emulator per suite: started before the suite, reset before each test,
// closed after; with the real SDK ports pointed at it. Call inside describe().
// Every integration suite gets its emulator here, so how one is started,
// reset and closed is decided in this one place.
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { startEmulator, type Emulator, type Knobs } from '../../emulator/src/server';

export interface FixtureOptions {
  /** Knobs at start and after each reset; when absent, builds and rollouts that take a fraction of a second. */
  knobs?: Partial<Knobs>;
  /** false: the state carries from test to test, for a suite whose tests build on each other. Default true. */
  resetEachTest?: boolean;
  /** Runs after the start and after each reset: what every test of the suite expects to find (a GitHub repository …). */
  seed?: (emu: Emulator) => void;
  /** Print the emulator's log after the suite when one of its tests failed, or always when EMULATOR_DEBUG is set. */
  printLogOnFailure?: boolean;
}

export interface EmulatorFixture {
  /** The running emulator (valid inside hooks and tests). */
  readonly emu: Emulator;
  /** createCloudPorts against it. */
  readonly ports: CloudPorts;
  /** Every line the emulator logged since the suite started (resets keep it). */
  readonly log: readonly string[];
  /** GET /__emulator/state: what the emulator holds, in the shape the test declares. */
  state<T>(): Promise<T>;
}

const QUICK = { buildSeconds: 0.4, deploySeconds: 0.1 };

export function useEmulator(opts: FixtureOptions = {}): EmulatorFixture {
  let emu: Emulator | undefined;
  let ports: CloudPorts | undefined;
  let failed = false;
  const log: string[] = [];
  before(async () => {
    emu = await startEmulator({ knobs: opts.knobs ?? QUICK, log: (line) => log.push(line) });
    ports = createCloudPorts({ emulatorHost: emu.host });
    opts.seed?.(emu);
  });
  after(async () => {
    if (opts.printLogOnFailure && (failed || process.env.EMULATOR_DEBUG)) console.log(log.join('\n'));
    await emu?.close();
  });
  if (opts.resetEachTest !== false) {
    beforeEach(() => {
      emu?.reset();
      if (emu) opts.seed?.(emu);
    });
  }
  if (opts.printLogOnFailure) {
    afterEach(function () {
      if (this.currentTest?.state === 'failed') failed = true;
    });
  }
  const running = (): Emulator => {
    if (!emu) throw new Error('the emulator is not started: use it inside a test or hook');
    return emu;
  };
  return {
    get emu() {
      return running();
    },
    get ports() {
      running();
      return ports!;
    },
    log,
    state: () => emulatorState(running()),
  };
}

/** GET /__emulator/state of `emu`, for suites that drive several emulators. */
export async function emulatorState<T>(emu: Emulator): Promise<T> {
  return (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as T;
}
