import { hasUrlCredentials, isSecretName } from '../../env/envNames';

// How a plan shows the env values it will set: the value itself (an injected
// `API_BASE_URL=https://attacker.example` must be visible), or masked with the
// reason when it looks like a secret.

/** `NAME=value`, or `NAME=•••• (hidden: why)` for a secret-looking value. */
export function envValueShown(name: string, value: string): string {
  const why = isSecretName(name) ? 'its name looks like a secret' : hasUrlCredentials(value) ? 'it is a URL with a password' : undefined;
  if (why) return `${name}=•••• (hidden: ${why}; the value is set, not shown)`;
  return `${name}=${value.length > 300 ? `${value.slice(0, 300)}… (${value.length} characters)` : value}`;
}

/** The plan's line for a set of env vars. */
export function envValuesShown(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => envValueShown(k, v))
    .join(', ');
}
