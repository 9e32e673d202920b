#!/usr/bin/env node
// The `devgem` command: wires runCli to the process (argv, streams, Ctrl-C, exit code).
import { runCli } from './runCli';

// The first Ctrl-C cancels cleanly (a deploy also cancels its Cloud Build
// build, which takes a moment); a second one quits at once and leaves the
// build to finish on its own.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (!controller.signal.aborted) {
    controller.abort();
    return;
  }
  process.stderr.write('devgem: interrupted again; quitting without waiting for the cancel.\n');
  process.exit(130);
});

runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  signal: controller.signal,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`devgem: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
