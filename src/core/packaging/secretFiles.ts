import { constants, promises as fs } from 'node:fs';

// Which files hold credentials, so they are never uploaded, read into the chat or
// edited by the agent. One rule serves the packager, the upload preview and the
// agent's file tools (`classifySecretFile`). The kinds follow what secret scanners
// treat as sensitive paths (SSH and TLS keys, keystores, cloud and registry
// credentials, Terraform state, shell history); the lists here are our own.
// Names are compared lower-cased: `.ENV` on a case-insensitive disk is `.env`.

/** Reads up to `bytes` of the file's start; '' when it can't be read. */
export type HeadReader = (bytes: number) => Promise<string>;

/** Service-account keys are a few KiB; the markers sit near the top. */
const JSON_SNIFF_BYTES = 4 * 1024;
/** Registry rc files and wp-config.php are small; a token further down than this is not looked for. */
const TEXT_SNIFF_BYTES = 64 * 1024;

/** `.env`, `.env.production`, `.envrc`, `prod.env`, `.env.d/…`, `.envs/…` — not `.envoy.yaml`. */
const ENV_NAME = /^(\.env(rc)?|\.env\..+|.+\.env)$/;
const ENV_FOLDER = /^\.envs?(\..+)?$/;
/**
 * Committed on purpose to show which variables exist: `.env.example`, `env.sample`, `secrets.example.yaml`,
 * `terraform.tfvars.example`. `.env.vault` is dotenv-vault's encrypted file, made to ship with the app (its key stays out).
 */
const TEMPLATE_WORD = /(^|[._-])(example|examples|sample|samples|template|templates|tmpl|tpl|dist|defaults|schema)([._-]|$)/;
const ENCRYPTED_ENV = /^\.env\.vault$/;

/** Private keys, keystores and password databases, by extension. Certificates (`.crt`, `.cer`) and `.pub` keys are public. */
const KEY_EXT = /\.(pem|key|p8|p12|pfx|pkcs12|jks|bks|keystore|ppk|kdbx|kdb|keychain|keychain-db|ovpn)$/;
/** `id_rsa`, `id_ed25519_sk`, `deploy_rsa`, `github_ed25519`: OpenSSH's private-key names (the `.pub` half is public). */
const SSH_KEY = /(^id_|_)(rsa|dsa|ecdsa|ed25519)(_sk)?$/;
/** Files that are credentials whatever folder they sit in. */
const CREDENTIAL_NAMES = new Map<string, string>([
  ['.git-credentials', 'git credentials'],
  ['.pgpass', 'PostgreSQL passwords (.pgpass)'],
  ['.netrc', 'login credentials (.netrc)'],
  ['_netrc', 'login credentials (.netrc)'],
  ['.my.cnf', 'MySQL client credentials (.my.cnf)'],
  ['.s3cfg', 's3cmd credentials (.s3cfg)'],
  ['.boto', 'gsutil credentials (.boto)'],
  ['.dockercfg', 'Docker registry credentials'],
  ['.htpasswd', 'password hashes (.htpasswd)'],
  ['.vault-token', 'Vault token'],
  ['.terraformrc', 'Terraform CLI token'],
  ['terraform.rc', 'Terraform CLI token'],
  ['credentials', 'credentials file'],
  ['.credentials', 'credentials file'],
  ['application_default_credentials.json', 'Google Cloud user credentials (ADC)'],
  ['credentials.json', 'credentials file (JSON key)'],
  ['kubeconfig', 'Kubernetes credentials (kubeconfig)'],
  ['sftp-config.json', 'SFTP passwords'],
  ['.ftpconfig', 'FTP passwords'],
  ['token.pickle', 'OAuth token'],
]);
/** `folder/name` pairs (the folder anywhere in the path). */
const CREDENTIAL_PATHS = new Map<string, string>([
  ['.aws/credentials', 'AWS credentials'],
  ['.docker/config.json', 'Docker registry credentials'],
  ['.kube/config', 'Kubernetes credentials (kubeconfig)'],
  ['.vscode/sftp.json', 'SFTP passwords'],
  ['.cargo/credentials', 'Cargo registry token'],
  ['.cargo/credentials.toml', 'Cargo registry token'],
]);
/** Folders whose every file is a credential store. */
const CREDENTIAL_FOLDERS = new Map<string, string>([
  ['.ssh', 'SSH folder'],
  ['.gnupg', 'GnuPG keyring'],
  ['.secrets', 'secrets folder'],
]);
/** `secrets.yaml`, `secret.json`, `secrets.env`: data files named for what they hold (`secrets.ts` is code). */
const SECRETS_DATA = /^secrets?\.(ya?ml|json|toml|ini|txt|conf|properties|xml)$/;
/** Terraform state holds every resource's attributes, passwords included; tfvars hold the inputs. */
const TERRAFORM = /\.(tfstate|tfstate\.backup|tfvars|tfvars\.json)$/;
/** Shell and database REPL history: pasted tokens and `export KEY=…` lines. */
const HISTORY = /^\.[a-z_]*_history$|^\.histfile$/;

// Content checks, for names that are only secrets when they hold a literal credential.
// `_authToken=${NPM_TOKEN}` only names a variable; the file is then safe and often needed by the build.
const NPM_TOKEN = /(^|\n)\s*[^#;\n]*(_authToken|_auth|_password)\s*=\s*(?!\$\{)\S/;
const YARN_TOKEN = /(^|\n)\s*npmAuth(Token|Ident)\s*:\s*["']?(?!\$\{)[^\s"']/;
const PYPI_PASSWORD = /(^|\n)\s*password\s*[=:]\s*\S/;
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i;
/** wp-config.php is the site's code, so it ships, unless it spells out the database password (not `getenv(…)`). */
const WP_LITERAL_PASSWORD = /define\s*\(\s*['"]DB_PASSWORD['"]\s*,\s*['"][^'"]+['"]\s*\)/;
const JSON_PRIVATE_KEY = /"private_key"\s*:\s*"-----BEGIN/;
const JSON_SERVICE_ACCOUNT = /"type"\s*:\s*"service_account"/;
const JSON_TOKEN = /"(refresh_token|client_secret)"\s*:\s*"[^"]{8,}"/;
const JSON_DOCKER_AUTH = /"auths"\s*:\s*\{[\s\S]*"auth"\s*:\s*"[^"]{4,}"/;

function isTemplate(name: string): boolean {
  return TEMPLATE_WORD.test(name);
}

/** Why the file is a secret judging by its path alone, or undefined. `relPath` is `/`-separated. */
export function secretByName(relPath: string): string | undefined {
  const lower = relPath.replace(/\\/g, '/').toLowerCase();
  const parts = lower.split('/').filter((p) => p && p !== '.');
  const name = parts[parts.length - 1] ?? '';
  const folders = parts.slice(0, -1);
  if (ENCRYPTED_ENV.test(name)) return undefined;
  if (ENV_NAME.test(name) && !isTemplate(name)) return 'environment file (.env*), usually holds secrets';
  if (folders.some((f) => ENV_FOLDER.test(f)) && !isTemplate(name)) return 'file in an environment folder (.env.d, .envs)';
  for (const f of folders) {
    const why = CREDENTIAL_FOLDERS.get(f);
    if (why) return why;
  }
  if (folders.includes('gcloud') && folders[folders.indexOf('gcloud') - 1] === '.config') return 'gcloud credentials folder';
  const inFolder = CREDENTIAL_PATHS.get(parts.slice(-2).join('/'));
  if (inFolder) return inFolder;
  const named = CREDENTIAL_NAMES.get(name);
  if (named) return named;
  if (name.endsWith('.pub')) return undefined;
  if (SSH_KEY.test(name)) return 'SSH private key';
  if (KEY_EXT.test(name)) return 'private key, keystore or password database';
  if (TERRAFORM.test(name) && !isTemplate(name.replace(TERRAFORM, ''))) return 'Terraform state or variables';
  if (SECRETS_DATA.test(name)) return 'secrets file';
  if (name.endsWith('.kubeconfig')) return 'Kubernetes credentials (kubeconfig)';
  if (name.endsWith('.json') && (name.startsWith('service-account') || name.startsWith('client_secret') || name.endsWith('-key.json'))) {
    return 'credentials file (JSON key)';
  }
  if (HISTORY.test(name)) return 'shell or database history';
  return undefined;
}

/** How many bytes of the file `classifySecretFile` reads (0 = the name decides). */
function sniffBytes(name: string): number {
  if (name.endsWith('.json')) return JSON_SNIFF_BYTES;
  if (['.npmrc', '.pypirc', '.yarnrc.yml', '.yarnrc', 'pip.conf', 'pip.ini', 'wp-config.php'].includes(name)) return TEXT_SNIFF_BYTES;
  return 0;
}

/** Why the start of a file makes it a secret, or undefined (`head` read as `sniffBytes` asked). */
function secretByContent(name: string, head: string): string | undefined {
  if (name.endsWith('.json')) {
    if (JSON_PRIVATE_KEY.test(head) || (head.includes('"private_key"') && JSON_SERVICE_ACCOUNT.test(head)))
      return 'service-account key (JSON with "private_key")';
    if (JSON_TOKEN.test(head)) return 'OAuth client secret or refresh token (JSON)';
    if (JSON_DOCKER_AUTH.test(head)) return 'Docker registry credentials';
    return undefined;
  }
  switch (name) {
    case '.npmrc':
    case '.yarnrc':
      return NPM_TOKEN.test(head) ? 'npm auth token (.npmrc)' : undefined;
    case '.yarnrc.yml':
      return YARN_TOKEN.test(head) ? 'npm auth token (.yarnrc.yml)' : undefined;
    case '.pypirc':
      return PYPI_PASSWORD.test(head) ? 'PyPI password or token (.pypirc)' : undefined;
    case 'pip.conf':
    case 'pip.ini':
      return URL_PASSWORD.test(head) ? 'package index password (pip.conf)' : undefined;
    case 'wp-config.php':
      return WP_LITERAL_PASSWORD.test(head) ? 'WordPress config with the database password written in it' : undefined;
  }
  return undefined;
}

/**
 * Why the file at `relPath` is a secret, or undefined: the one rule for the
 * packager, the upload preview and the agent. A few names need a look inside
 * (any `.json`, registry rc files, wp-config.php); only then is `head` called.
 */
export async function classifySecretFile(relPath: string, head: HeadReader): Promise<string | undefined> {
  const byName = secretByName(relPath);
  if (byName) return byName;
  const name = relPath.slice(relPath.replace(/\\/g, '/').lastIndexOf('/') + 1).toLowerCase();
  const bytes = sniffBytes(name);
  return bytes ? secretByContent(name, await head(bytes)) : undefined;
}

/** Opens without following a final link or waiting on a FIFO, and reads only from a regular file. */
async function diskHead(file: string, bytes: number): Promise<string> {
  // An unreadable file can't be judged here; tar reports it when packing.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
  const handle = await fs.open(file, flags).catch(() => undefined);
  if (!handle) return '';
  try {
    if (!(await handle.stat()).isFile()) return '';
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}

/** `classifySecretFile` for a file on disk. A symbolic link is judged by its own name: it is stored as a link, its target is judged where it lives. */
export function secretReason(relPath: string, absPath: string, isSymlink = false): Promise<string | undefined> {
  return classifySecretFile(relPath, async (bytes) => (isSymlink ? '' : diskHead(absPath, bytes)));
}
