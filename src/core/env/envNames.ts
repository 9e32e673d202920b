// Which environment variable names Devgem sets on a Cloud Run service: one
// rule for the chat parser, the agent's tools, the CLI and the adapter.

/** Letters, digits and underscores, not starting with a digit. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
const ENV_NAME = new RegExp(ENV_NAME_PATTERN);

/** Names Cloud Run sets itself and refuses as user environment variables. */
export const RESERVED_ENV: readonly string[] = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
/** Cloud Run also refuses any name with this prefix. */
export const RESERVED_ENV_PREFIX = 'X_GOOGLE_';

export function isReservedEnvName(name: string): boolean {
  return RESERVED_ENV.includes(name) || name.startsWith(RESERVED_ENV_PREFIX);
}

export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/** Why `name` cannot be a Cloud Run environment variable name, or undefined if it can. */
export function envNameProblem(name: string): string | undefined {
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  if (!isEnvName(name)) return `"${shown}" is not a valid variable name: use letters, digits and underscores, not starting with a digit.`;
  if (isReservedEnvName(name)) {
    return `${name} is reserved by Cloud Run (it sets ${RESERVED_ENV.join(', ')} and ${RESERVED_ENV_PREFIX}* itself); choose another name.`;
  }
  return undefined;
}

/**
 * Names that say "I am a secret" (tokens, passwords, keys, credentials, connection
 * strings): such values belong in Secret Manager, never in a plain env var.
 */
const SECRET_NAME =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|_PASS$|^PASS$|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|_KEY$|^KEY$|CREDENTIAL|PWD$|DATABASE_URL|DB_URL|CONNECTION_STRING|CONN_STR|DSN|WEBHOOK_URL)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A URL with a password in it (`postgres://user:pass@host/db`) is a secret whatever its name. */
export function hasUrlCredentials(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/.test(value.trim());
}

/** Whether `name=value` belongs in Secret Manager. */
export function looksSecret(name: string, value = ''): boolean {
  return isSecretName(name) || hasUrlCredentials(value);
}
