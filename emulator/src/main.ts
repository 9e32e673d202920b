import { writeFileSync } from 'node:fs';
import { startEmulator } from './server';

/**
 * CLI: node out/emulator/src/main.js [--port N] [--port-file F] [--build-seconds S] [--docker URL] [--quiet]
 * A Docker daemon (--docker, else DEVGEM_EMULATOR_DOCKER) makes builds and revisions real.
 */
async function main(argv: string[]): Promise<void> {
  let port = 0;
  let portFile: string | undefined;
  let buildSeconds: number | undefined;
  let quiet = false;
  let docker = process.env.DEVGEM_EMULATOR_DOCKER || undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') port = Number(next());
    else if (a === '--port-file') portFile = next();
    else if (a === '--build-seconds') buildSeconds = Number(next());
    else if (a === '--quiet') quiet = true;
    else if (a === '--docker') docker = next();
    else throw new Error(`unknown argument ${a}`);
  }
  const emu = await startEmulator({
    port,
    knobs: buildSeconds !== undefined ? { buildSeconds } : {},
    log: quiet ? undefined : (line) => process.stderr.write(line + '\n'),
    docker,
  });
  if (docker) process.stderr.write(`[emulator] real builds and containers through ${docker}\n`);
  process.stdout.write(`DEVGEM_EMULATOR_HOST=${emu.host}\n`);
  if (portFile) writeFileSync(portFile, String(emu.port));
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[emulator] ${sig}: shutting down\n`);
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`devgem emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
