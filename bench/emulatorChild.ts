/**
 * The emulator in a process of its own, for benchmarks that measure the
 * deploying process's memory: `node emulatorChild.js '<knobs json>'` prints
 * `{"host": …}` once it listens and closes when its stdin ends.
 */
import { startEmulator } from '../emulator/src/server';

async function main(): Promise<void> {
  const emu = await startEmulator({ knobs: JSON.parse(process.argv[2] ?? '{}') as Record<string, number> });
  console.log(JSON.stringify({ host: emu.host, baseUrl: emu.baseUrl }));
  const stop = () => void emu.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
