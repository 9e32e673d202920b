import { promises as fs } from 'node:fs';

/** Service-account keys are a few KiB; both markers sit near the top. */
const JSON_SNIFF_BYTES = 4 * 1024;
/** .npmrc / .pypirc are small; a token further down than this is not looked for. */
const RC_SNIFF_BYTES = 64 * 1024;

const PRIVATE_KEY_EXT = /\.(pem|key|p12|pfx|jks|keystore)$/i;
const SSH_KEY = /^id_(rsa|dsa|ecdsa|ed25519)/;
// `_authToken=${NPM_TOKEN}` only names a variable; the file is then safe and often needed by the build.
const NPM_TOKEN = /(^|\n)\s*[^#;\n]*(_authToken|_auth|_password)\s*=\s*(?!\$\{)\S/;
const PYPI_PASSWORD = /(^|\n)\s*password\s*[=:]\s*\S/;
const SERVICE_ACCOUNT_TYPE = /"type"\s*:\s*"service_account"/;

async function head(file: string, bytes: number): Promise<string> {
  // An unreadable file can't be judged here; tar reports it when packing.
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}

/** Why a file is a secret judging by its path alone, or undefined. */
export function secretByName(relPath: string): string | undefined {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (name.startsWith('.env')) return 'environment file (.env*), usually holds secrets';
  if (SSH_KEY.test(name)) return 'SSH key';
  if (PRIVATE_KEY_EXT.test(name)) return 'private key or keystore';
  if (lower === 'credentials.json' || (lower.startsWith('service-account') && lower.endsWith('.json')) || lower.endsWith('-key.json')) {
    return 'credentials file (JSON key)';
  }
  if (lower === '.netrc' || lower === '_netrc') return 'login credentials (.netrc)';
  if (relPath === '.aws/credentials' || relPath.endsWith('/.aws/credentials')) return 'AWS credentials';
  if (lower === 'kubeconfig' || lower.endsWith('.kubeconfig') || relPath === '.kube/config' || relPath.endsWith('/.kube/config')) {
    return 'Kubernetes credentials (kubeconfig)';
  }
  return undefined;
}

/** Whether the name calls for a look inside (only then is the file opened). */
function needsSniff(name: string): boolean {
  return name.endsWith('.json') || name === '.npmrc' || name === '.pypirc';
}

/**
 * Why the file at `relPath` looks like a secret, or undefined. A few names
 * need their content read: any `.json` (a service-account key under another
 * name) and `.npmrc`/`.pypirc` (only a secret when they hold a token).
 */
export async function secretReason(relPath: string, absPath: string, isSymlink = false): Promise<string | undefined> {
  const byName = secretByName(relPath);
  if (byName || isSymlink) return byName;
  const name = relPath.slice(relPath.lastIndexOf('/') + 1).toLowerCase();
  if (!needsSniff(name)) return undefined;
  if (name.endsWith('.json')) {
    const text = await head(absPath, JSON_SNIFF_BYTES);
    return text.includes('"private_key"') && SERVICE_ACCOUNT_TYPE.test(text) ? 'service-account key (JSON with "private_key")' : undefined;
  }
  const text = await head(absPath, RC_SNIFF_BYTES);
  if (name === '.npmrc') return NPM_TOKEN.test(text) ? 'npm auth token (.npmrc)' : undefined;
  return PYPI_PASSWORD.test(text) ? 'PyPI password or token (.pypirc)' : undefined;
}
