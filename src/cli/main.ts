#!/usr/bin/env node
// The `devgem` command: wires runCli to the process (argv, streams, Ctrl-C, exit code).
import { runCli } from './runCli';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`devgem: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
