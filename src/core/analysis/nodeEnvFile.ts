import { secretByName } from '../packaging/secretFiles';
import type { Fact } from './types';

// `node --env-file=.env server.js` works on the developer's machine, where .env is.
// Devgem never uploads .env (it holds secrets: they go to the service as env vars
// and Secret Manager secrets), and node stops at start when the file is missing, so
// the container would exit before it listens. Node 22.9+ has --env-file-if-exists,
// which loads the file when it is there and goes on without it.

const FLAG = /--env-file(?:=|$)/;

/** Node majors with --env-file-if-exists (added in 22.9; every 22.x image is later). */
const hasIfExists = (major: number): boolean => major >= 22;

/**
 * The start with each `--env-file` whose file is never uploaded made optional (or dropped on an older
 * Node), and a note that says so; the start unchanged when it loads no such file.
 */
export function optionalEnvFiles(start: Fact<string[]>, nodeVersion: string | undefined): { start: Fact<string[]>; note?: string } {
  const major = Number(/^(\d+)/.exec(nodeVersion ?? '')?.[1] ?? '99');
  const files: string[] = [];
  const out: string[] = [];
  const argv = start.value;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    // The two-word form, `--env-file .env`, as its own argument.
    if (token === '--env-file' && argv[i + 1] && secretByName(argv[i + 1])) {
      files.push(argv[i + 1]);
      if (hasIfExists(major)) out.push(`--env-file-if-exists=${argv[i + 1]}`);
      i++;
      continue;
    }
    // `--env-file=.env` as an argument, or inside a shell command line.
    const rewritten = token.replace(/(^|\s)--env-file=(\S+)(?=\s|$)/g, (whole, lead: string, file: string) => {
      if (!secretByName(file)) return whole;
      files.push(file);
      return hasIfExists(major) ? `${lead}--env-file-if-exists=${file}` : '';
    });
    if (rewritten !== '' || !FLAG.test(token)) out.push(rewritten);
  }
  if (!files.length) return { start };
  const list = [...new Set(files)].join(', ');
  const how = hasIfExists(major) ? 'the image starts with --env-file-if-exists instead' : 'the image starts without the flag';
  return {
    start: { ...start, value: out },
    note: `The start loads ${list} with --env-file, but Devgem never uploads ${list} (secrets belong in the service's env vars and Secret Manager) and node stops when the file is missing: ${how}. Set its variables on the service; Devgem can import them from the file.`,
  };
}
