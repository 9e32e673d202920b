// Editing one plain env var of a deployed service by hand ("Edit Environment
// Variables…"): what the user types is checked with the same rules the agent's
// set_env_vars uses, and a secret never becomes a plain env var this way.
import { envNameProblem, looksSecret } from './envNames';
import type { EnvVarInfo } from '../cloud/ports';

export const MAX_ENV_VALUE = 32 * 1024;

/** `KEY=value` (the value may be empty or hold `=`); a problem that never quotes the value. */
export function parseAssignment(text: string): { key: string; value: string } | { problem: string } {
  const eq = text.indexOf('=');
  if (eq < 0) return { problem: 'Type KEY=value, e.g. LOG_LEVEL=debug.' };
  const key = text.slice(0, eq).trim();
  const value = text.slice(eq + 1);
  return checkAssignment(key, value) ?? { key, value };
}

/** Why `key` cannot be set to `value` as a plain env var, or undefined. */
export function checkAssignment(key: string, value: string): { problem: string } | undefined {
  const bad = envNameProblem(key);
  if (bad) return { problem: bad };
  if (value.length > MAX_ENV_VALUE) return { problem: `The value of ${key} is longer than ${MAX_ENV_VALUE / 1024} KiB; Cloud Run refuses it.` };
  if (looksSecret(key, value)) {
    return {
      problem: `${key} looks like a secret, so Devgem does not store it as a plain env var. Put it in your .env file and run "Devgem: Import .env File…": it goes to Secret Manager.`,
    };
  }
  return undefined;
}

/** One line per variable for the picker: the plain value (shortened), or where a secret comes from. */
export function describeEnvVar(v: EnvVarInfo): string {
  if (v.secret) return `Secret Manager: ${v.secret.secret} (version ${v.secret.version})`;
  const value = v.value ?? '';
  if (value === '') return '(empty)';
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
