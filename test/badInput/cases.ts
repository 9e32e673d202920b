// The bad-input corpus (issue 7): one row per hostile or broken input, with the
// clear error (or the clear notice) Devgem must give. badInput.unit.test.ts
// builds each input in a fresh temp folder, runs the real entry point, and
// checks that nothing in the folder or the (fake) cloud was changed.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import type { DeployStage } from '../../src/shared/protocol';
import { NODE_APP } from '../support/workspace';

export const DOCKERFILE = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
/** A Node app with its own Dockerfile: a deploy never writes into the folder. */
export const NODE_WITH_DOCKERFILE: Record<string, string> = { ...NODE_APP, Dockerfile: DOCKERFILE };

export interface ExpectedError {
  /** The deploy stage that fails (deploy cases only). */
  stage?: DeployStage;
  message: RegExp;
  fix: RegExp;
}

interface CaseBase {
  /** A wrong behaviour this case found and that is not fixed yet: the case is reported pending with this reason. */
  finding?: string;
  /** The words for what the case covers. */
  item: string;
  name: string;
}

/** A whole deploy (FakeCloud): must fail with `error` before any Cloud call that changes something. */
export interface DeployCase extends CaseBase {
  kind: 'deploy';
  files: Record<string, string>;
  /** Extra entries made with fs calls (links, FIFOs, Buffer names, sparse files). */
  build?(root: string): Promise<void>;
  options?: Partial<DeployOptions>;
  /** Why the case cannot run here (e.g. running as root), or undefined. */
  skipReason?(): string | undefined;
  error: ExpectedError;
}

/** Packaging only: must finish (no hang), leave out what it can't hold and say why in the manifest. */
export interface PackageCase extends CaseBase {
  kind: 'package';
  files: Record<string, string>;
  build(root: string): Promise<void>;
  /** What the listing must hold and what must be skipped, with the reason. */
  expect: { files: string[]; skipped?: { path: RegExp; reason: RegExp }[] };
}

/** An agent tool call the model makes: refused before anything runs or is asked. */
export interface ToolCallCase extends CaseBase {
  kind: 'tool';
  tool: string;
  args: unknown;
  error: RegExp;
}

/** A raw message from the webview: refused at the host, naming what is wrong. */
export interface MessageCase extends CaseBase {
  kind: 'message';
  raw: unknown;
  error: RegExp;
}

export type BadInputCase = DeployCase | PackageCase | ToolCallCase | MessageCase;

const link = (target: string, at: string) => (root: string) => fs.symlink(target, path.join(root, at));
const isRoot = () =>
  process.getuid?.() === 0 ? 'running as root: chmod 000 does not stop root from reading (the FIFO case covers an unreadable entry instead)' : undefined;
const serviceName = (name: string, message: RegExp): DeployCase => ({
  item: 'invalid or reserved service names',
  name: `service name ${JSON.stringify(name)}`,
  kind: 'deploy',
  files: NODE_WITH_DOCKERFILE,
  options: { service: name },
  error: { stage: 'preflight', message, fix: /lowercase letters, digits and hyphens.*at most 49/ },
});
const region = (value: string, message: RegExp): DeployCase => ({
  item: 'an unknown region',
  name: `region ${JSON.stringify(value)}`,
  kind: 'deploy',
  files: NODE_WITH_DOCKERFILE,
  options: { region: value },
  error: { stage: 'preflight', message, fix: /devgem\.region.*(us-central1|europe-west1)/ },
});
const envKey = (name: string, message: RegExp, fix: RegExp): ToolCallCase => ({
  item: 'env keys Cloud Run rejects',
  name: `deploy with env ${JSON.stringify(name)}`,
  kind: 'tool',
  tool: 'deploy',
  args: { env: { [name]: 'x' } },
  error: new RegExp(`${message.source}.*Fix: .*${fix.source}`),
});
const message = (name: string, raw: unknown, error: RegExp): MessageCase => ({
  item: 'malformed and oversized messages from the webview',
  name,
  kind: 'message',
  raw,
  error,
});

export const BAD_INPUT_CASES: BadInputCase[] = [
  // --- the folder itself ---
  {
    item: 'empty folder',
    name: 'an empty folder',
    kind: 'deploy',
    files: {},
    error: { stage: 'analyze', message: /empty/i, fix: /Dockerfile/ },
  },
  {
    item: 'only a README',
    name: 'a folder with only README.md',
    kind: 'deploy',
    files: { 'README.md': '# My app\n\nRun it with `make run`.\n' },
    error: { stage: 'analyze', message: /README\.md/, fix: /Dockerfile/ },
  },
  {
    item: 'unknown stack',
    name: 'COBOL sources and a CSV',
    kind: 'deploy',
    files: { 'main.cob': '       IDENTIFICATION DIVISION.\n', 'data.csv': 'a,b\n1,2\n' },
    error: { stage: 'analyze', message: /main\.cob/, fix: /Dockerfile/ },
  },
  {
    item: 'a directory where a file is expected',
    name: 'package.json is a folder (an entry that cannot be read as a file)',
    kind: 'deploy',
    files: { 'package.json/.keep': '', 'server.js': NODE_APP['server.js'] },
    error: { stage: 'analyze', message: /package\.json/, fix: /Dockerfile/ },
  },
  // --- links ---
  {
    item: 'a symlink to /etc',
    name: 'etc -> /etc',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    build: link('/etc', 'etc'),
    error: { stage: 'package', message: /etc is a symbolic link to \/etc, which is outside the folder/, fix: /Remove etc/ },
  },
  {
    item: 'a symlink to /etc',
    name: 'a chain inside the folder that ends at /etc/passwd',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      await link('/etc/passwd', 'deep')(root);
      await link('deep', 'first')(root);
    },
    error: { stage: 'package', message: /symbolic link to .*outside the folder/, fix: /Remove (deep|first)/ },
  },
  {
    item: 'a symlink to /etc',
    name: 'a relative link climbing out (../../etc)',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    build: link('../../../../../../../../etc', 'up'),
    error: { stage: 'package', message: /up is a symbolic link to .*outside the folder/, fix: /Remove up/ },
  },
  {
    item: 'a symlink loop',
    name: 'a <-> b and a folder link to itself',
    kind: 'package',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      await link('b', 'a')(root);
      await link('a', 'b')(root);
      await link('.', 'self')(root);
    },
    expect: { files: ['Dockerfile', 'a', 'b', 'package.json', 'self', 'server.js'] },
  },
  // --- sizes, kinds and names ---
  {
    item: 'a 2 GB file',
    name: 'a sparse 2 GB file',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      const h = await fs.open(path.join(root, 'disk.img'), 'w');
      await h.truncate(2 * 1000 * 1000 * 1000);
      await h.close();
    },
    error: { stage: 'package', message: /upload was stopped: disk\.img \(large file \(2\.0 GB\)\).*more than 1 GB/, fix: /\.gcloudignore/ },
  },
  {
    item: 'a file that cannot be read',
    name: 'a FIFO (reading it would block forever)',
    kind: 'package',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
    },
    expect: { files: ['Dockerfile', 'package.json', 'server.js'], skipped: [{ path: /^pipe$/, reason: /not a regular file/ }] },
  },
  {
    item: 'a file that cannot be read',
    name: 'a file with mode 000',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    skipReason: isRoot,
    build: async (root) => {
      await fs.writeFile(path.join(root, 'locked.txt'), 'secret');
      await fs.chmod(path.join(root, 'locked.txt'), 0o000);
    },
    error: { stage: 'package', message: /locked\.txt/, fix: /permission|\.gcloudignore/ },
  },
  {
    item: 'a file that cannot be read',
    name: 'a sub-folder with mode 000',
    kind: 'package',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      await fs.mkdir(path.join(root, 'closed'));
      await fs.writeFile(path.join(root, 'closed', 'x.txt'), 'x');
      if (process.getuid?.() !== 0) await fs.chmod(path.join(root, 'closed'), 0o000);
    },
    // As root the folder is readable and its file is uploaded; otherwise it is skipped with the reason.
    expect:
      process.getuid?.() === 0
        ? { files: ['Dockerfile', 'closed/x.txt', 'package.json', 'server.js'] }
        : { files: ['Dockerfile', 'package.json', 'server.js'], skipped: [{ path: /^closed$/, reason: /can't be read \(EACCES\)/ }] },
  },
  {
    item: 'non-UTF-8 file names',
    name: 'a Latin-1 file name (caf\\xe9.txt)',
    kind: 'package',
    files: NODE_WITH_DOCKERFILE,
    build: (root) => fs.writeFile(Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x'),
    expect: { files: ['Dockerfile', 'package.json', 'server.js'], skipped: [{ path: /^caf\uFFFD\.txt$/, reason: /not valid UTF-8/ }] },
  },
  {
    item: 'very long file names',
    name: 'a 255-byte file name and a 255-byte folder name',
    kind: 'package',
    files: NODE_WITH_DOCKERFILE,
    build: async (root) => {
      await fs.mkdir(path.join(root, 'd'.repeat(255)));
      await fs.writeFile(path.join(root, 'd'.repeat(255), `${'f'.repeat(251)}.txt`), 'long');
      await fs.writeFile(path.join(root, `${'é'.repeat(127)}x`), 'multibyte');
    },
    expect: { files: ['Dockerfile', `${'d'.repeat(255)}/${'f'.repeat(251)}.txt`, 'package.json', 'server.js', `${'é'.repeat(127)}x`] },
  },
  // --- ignore files and manifests ---
  {
    item: 'a malformed .gcloudignore',
    name: '.gcloudignore includes a file that does not exist',
    kind: 'deploy',
    files: { ...NODE_WITH_DOCKERFILE, '.gcloudignore': '#!include:.gitignore-missing\nnode_modules/\n' },
    error: { stage: 'package', message: /includes \.gitignore-missing, which does not exist/, fix: /#!include/ },
  },
  {
    item: 'a malformed .gcloudignore',
    name: '.gcloudignore that leaves nothing',
    kind: 'deploy',
    files: { ...NODE_WITH_DOCKERFILE, '.gcloudignore': '*\n' },
    error: { stage: 'package', message: /Nothing to upload/, fix: /\.gcloudignore/ },
  },
  {
    item: 'a malformed .gcloudignore',
    name: '.gcloudignore with binary garbage and a bad character class',
    kind: 'deploy',
    files: { ...NODE_WITH_DOCKERFILE, '.gcloudignore': 'node_modules/\n\u0000\u00ff[z-a]\n[\n**/***\n!\n' },
    error: { stage: 'package', message: /\.gcloudignore line 2 is not a valid pattern: it holds control characters/, fix: /plain-text patterns.*delete it/ },
  },
  {
    item: 'a malformed .gcloudignore',
    name: '.gcloudignore with a backwards character range',
    kind: 'deploy',
    files: { ...NODE_WITH_DOCKERFILE, '.gcloudignore': 'logs/\n*.[z-a]\n' },
    error: { stage: 'package', message: /\.gcloudignore line 2 .*runs backwards \(\[z-a\]\)/, fix: /plain-text patterns/ },
  },
  {
    item: 'a malformed .gcloudignore',
    name: '.gcloudignore in Latin-1 (not UTF-8)',
    kind: 'deploy',
    files: NODE_WITH_DOCKERFILE,
    build: (root) => fs.writeFile(path.join(root, '.gcloudignore'), Buffer.from('tmp/\ncaf\xe9/\n', 'latin1')),
    error: { stage: 'package', message: /\.gcloudignore line 2 is not a valid pattern: it is not valid UTF-8/, fix: /plain-text patterns/ },
  },
  {
    item: 'a corrupt package.json',
    name: 'truncated JSON',
    kind: 'deploy',
    files: { 'package.json': '{"name": "my-app", "scripts": {"start": ', 'server.js': NODE_APP['server.js'] },
    error: { stage: 'analyze', message: /package\.json/, fix: /Dockerfile/ },
  },
  {
    item: 'a corrupt package.json',
    name: 'package.json that is an array',
    kind: 'deploy',
    files: { 'package.json': '[1, 2, 3]', 'index.html': '<p>hi</p>' },
    error: { stage: 'analyze', message: /package\.json/, fix: /Dockerfile/ },
  },
  // --- the target ---
  serviceName('My_App', /must start with a lowercase letter|only lowercase letters/),
  serviceName('1app', /must start with a lowercase letter/),
  serviceName('app-', /must not end with a hyphen/),
  serviceName(`a${'b'.repeat(49)}`, /longer than 49 characters/),
  serviceName('app.v2', /only lowercase letters, digits and hyphens/),
  serviceName('café', /only lowercase letters, digits and hyphens/),
  region('mars-north1', /"mars-north1" \(from setting devgem\.region\) is not a Cloud Run region/),
  region('US-CENTRAL1', /is not a Cloud Run region/),
  region('us-central1; rm -rf /', /is not a Cloud Run region/),
  // --- env vars the model (or the user through it) asks for ---
  envKey('PORT', /Cloud Run sets "PORT" itself/, /Remove it/),
  envKey('K_SERVICE', /Cloud Run sets "K_SERVICE" itself/, /Remove it/),
  envKey('X_GOOGLE_TRACE', /Cloud Run sets "X_GOOGLE_TRACE" itself/, /Remove it/),
  envKey('1ST', /"1ST" is not a valid env var name/, /letters, digits and underscores/),
  envKey('MY-VAR', /"MY-VAR" is not a valid env var name/, /letters, digits and underscores/),
  envKey('DB_PASSWORD', /looks like a secret/, /Secret Manager/),
  // --- model replies ---
  {
    item: 'a model reply with a tool that does not exist',
    name: 'rm_rf',
    kind: 'tool',
    tool: 'rm_rf',
    args: { path: '/' },
    error: /There is no tool named "rm_rf"/,
  },
  {
    item: 'a model reply with a tool that does not exist',
    name: 'a tool name with a prefix',
    kind: 'tool',
    tool: 'devgem_delete_service',
    args: { service: 'svc' },
    error: /There is no tool named "devgem_delete_service"/,
  },
  {
    item: 'arguments of the wrong type',
    name: 'delete_service with a number',
    kind: 'tool',
    tool: 'delete_service',
    args: { service: 42 },
    error: /Invalid arguments for delete_service/,
  },
  {
    item: 'arguments of the wrong type',
    name: 'set_env_vars with a list',
    kind: 'tool',
    tool: 'set_env_vars',
    args: { service: 'svc', set: ['A=1'] },
    error: /Invalid arguments for set_env_vars/,
  },
  {
    item: 'arguments of the wrong type',
    name: 'rollback without its service',
    kind: 'tool',
    tool: 'rollback',
    args: { service: 7 },
    error: /Invalid arguments for rollback/,
  },
  {
    item: 'arguments of the wrong type',
    name: 'deploy with args as a string',
    kind: 'tool',
    tool: 'deploy',
    args: 'deploy everything',
    error: /Invalid arguments for deploy/,
  },
  // --- webview messages (every type has its own row in security.unit.test.ts) ---
  message('a chat of 1 MB', { type: 'chat', text: 'x'.repeat(1_000_000) }, /text/),
  message('a confirm whose answer is a string', { type: 'confirm', id: 'c1', token: 't', approve: 'yes' }, /approve/),
  message('an openUrl of 3000 characters', { type: 'openUrl', url: `https://a.example/${'x'.repeat(3000)}` }, /url/),
  message('an unknown type', { type: 'runShell', cmd: 'rm -rf ~' }, /type/),
  message('a deploy with an extra key', { type: 'deploy', force: true }, /force/),
  message('not an object at all', 'deploy', /message/),
];
