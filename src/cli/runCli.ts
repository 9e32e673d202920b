import { DevgemError } from '../core/base/errors';
import { parseArgs, UsageError } from './args';
import { analyzeCommand, type CliIo, dockerfileCommand, packageCommand } from './commands';
import { deployCommand } from './deployCommand';
import { USAGE } from './usage';
import { devgemVersion } from './version';

export type { CliIo } from './commands';

const COMMANDS: Record<string, (args: ReturnType<typeof parseArgs>, io: CliIo) => Promise<number>> = {
  analyze: analyzeCommand,
  dockerfile: dockerfileCommand,
  package: packageCommand,
  deploy: deployCommand,
};

/**
 * The whole CLI as a function, so tests run it in-process. Returns the exit
 * code: 0 ok, 1 the operation failed (message and fix on stderr, no stack),
 * 2 usage error (with the usage text), 130 a deploy cancelled by io.signal (Ctrl-C).
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.flags.has('--version')) {
      io.stdout(`devgem ${devgemVersion()}\n`);
      return 0;
    }
    if (args.flags.has('--help') || args.command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (!args.command) throw new UsageError('No command given.');
    return await COMMANDS[args.command](args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`devgem: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof DevgemError) {
      io.stderr(`devgem: ${err.message}\n${err.fix ? `Fix: ${err.fix}\n` : ''}`);
      return 1;
    }
    // Unexpected: still no stack unless asked for, but say it is a bug.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(
      `devgem: unexpected error: ${message}\n${(io.env ?? process.env).DEVGEM_DEBUG && err instanceof Error ? `${err.stack}\n` : 'Set DEVGEM_DEBUG=1 for the stack trace and report it.\n'}`,
    );
    return 1;
  }
}
