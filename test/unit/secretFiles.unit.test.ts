// Secret files (issue 13): one rule decides, and the packager, the upload
// preview and the agent's read tool all follow it. One row per file kind, and
// the look-alikes that are code or templates and must still be uploaded.
import * as assert from 'node:assert/strict';
import { readFileTool } from '../../src/core/agent/tools/workspaceTools';
import { DevgemError } from '../../src/core/base/errors';
import { listSourceFiles, previewManifest } from '../../src/core/packaging/packageSource';
import { secretReason } from '../../src/core/packaging/secretFiles';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { testAgentContext } from '../support/agentHarness';
import { makeWorkspace } from '../support/workspace';

const never = new AbortController().signal;
// Contents are stand-ins: the rule judges names, and for a few names the start of the file.
const SA_JSON = '{\n  "type": "service_account",\n  "project_id": "p",\n  "private_key": "-----BEGIN' + ' PRIVATE KEY-----\\nMII"\n}';

/** path -> content; every one must be treated as a secret. */
const SECRET: Record<string, string> = {
  // Environment files, any case, any name ending in .env, and env folders.
  '.env': 'A=1',
  '.ENV': 'A=1',
  '.Env.Production': 'A=1',
  'prod.env': 'A=1',
  'config/staging.env': 'A=1',
  '.env.local': 'A=1',
  '.env.test': 'A=1',
  '.envrc': 'export A=1',
  '.env.keys': 'DOTENV_PRIVATE_KEY=1',
  '.env.d/vars': 'A=1',
  '.envs/.production/.django': 'A=1',
  // Credentials named for what they are.
  '.git-credentials': 'https://u:p@github.com',
  '.pgpass': 'db:5432:app:u:p',
  '.netrc': 'machine x login y password z',
  _netrc: 'machine x login y password z',
  '.my.cnf': '[client]\npassword=x',
  '.s3cfg': '[default]\nsecret_key=x',
  '.boto': '[Credentials]',
  '.dockercfg': '{}',
  '.htpasswd': 'u:$apr1$x',
  '.vault-token': 'x',
  '.terraformrc': 'credentials "app.terraform.io" {}',
  credentials: '[default]',
  'application_default_credentials.json': '{"type": "authorized_user"}',
  'credentials.json': '{}',
  'service-account-prod.json': '{}',
  'client_secret_1234.apps.googleusercontent.com.json': '{}',
  'deploy-key.json': '{}',
  'sftp-config.json': '{}',
  '.ftpconfig': '{}',
  'token.pickle': 'x',
  '.aws/credentials': '[default]\naws_secret_access_key=x',
  '.docker/config.json': '{"auths": {}}',
  '.kube/config': 'apiVersion: v1',
  kubeconfig: 'apiVersion: v1',
  'clusters/prod.kubeconfig': 'apiVersion: v1',
  '.vscode/sftp.json': '{}',
  '.cargo/credentials.toml': '[registry]',
  '.ssh/config': 'Host x',
  '.gnupg/pubring.kbx': 'x',
  '.config/gcloud/credentials.db': 'x',
  // Keys, keystores, password databases.
  'keys/id_rsa': 'k',
  'keys/id_ed25519': 'k',
  'keys/id_ecdsa_sk': 'k',
  deploy_rsa: 'k',
  'certs/server.pem': 'k',
  'certs/tls.key': 'k',
  'config/master.key': 'k',
  'key.p8': 'k',
  'putty.ppk': 'k',
  'keys/client.p12': 'k',
  'keys/client.pfx': 'k',
  'android/release.jks': 'k',
  'android/app.keystore': 'k',
  'vault.kdbx': 'k',
  'vpn/office.ovpn': 'k',
  // Terraform state and inputs.
  'terraform.tfvars': 'password = "x"',
  'prod.auto.tfvars': 'x = 1',
  'terraform.tfstate': '{}',
  'terraform.tfstate.backup': '{}',
  'infra/.terraform/terraform.tfstate': '{}',
  // Named secret data.
  'secrets.yaml': 'a: b',
  'config/secrets.yml': 'a: b',
  'k8s/secret.yaml': 'kind: Secret',
  'secrets.json': '{}',
  // History files.
  '.bash_history': 'export TOKEN=x',
  '.psql_history': 'x',
  '.node_repl_history': 'x',
  // Only secret for what they hold.
  'config/gcp.json': SA_JSON,
  'oauth/token.json': '{"token": "x", "refresh_token": "1//0abcdefghijklmn", "client_id": "x"}',
  'docker-auth.json': '{"auths": {"gcr.io": {"auth": "dXNlcjpwYXNz"}}}',
  '.npmrc': '//registry.npmjs.org/:_authToken=npm_abc123\n',
  '.yarnrc.yml': 'npmAuthToken: abc123\n',
  '.pypirc': '[pypi]\nusername = __token__\npassword = pypi-abc\n',
  'pip.conf': '[global]\nindex-url = https://user:pw@pypi.example.com/simple\n',
  'wp-config.php': "<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_PASSWORD', 'hunter2' );\n",
};

/** path -> content; none of these is a secret (code, templates, public halves, files that only name a variable). */
const NOT_SECRET: Record<string, string> = {
  'env.example': 'A=',
  '.env.example': 'A=',
  '.env.sample': 'A=',
  '.env.template': 'A=',
  '.env.dist': 'A=',
  'example.env': 'A=',
  '.env.vault': 'DOTENV_VAULT=encrypted',
  '.envoy.yaml': 'static_resources: {}',
  'secrets.example.yaml': 'a: <fill in>',
  'terraform.tfvars.example': 'x = ""',
  'keyboard.ts': 'export {}',
  'monkey.py': '',
  'keys.py': '',
  'src/secrets.ts': 'export {}',
  'src/auth/token.ts': 'export {}',
  'credentials.py': '',
  'environment.ts': '',
  'turkey.json': '{}',
  'keys/id_rsa.pub': 'ssh-ed25519 AAAA',
  'certs/ca.crt': 'cert',
  'credentials.yml.enc': 'encrypted',
  'package.json': '{"name":"a"}',
  'config/other.json': '{"private_key": "only one marker"}',
  'web/.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
  'py/.pypirc': '[pypi]\nusername = me\n',
  'site/wp-config.php': "<?php\ndefine( 'DB_PASSWORD', getenv('DB_PASSWORD') );\n",
  'docs/passwords.md': '# Choosing passwords',
  'app.js': '',
};

describe('secret files: one rule for the packager, the upload preview and the agent', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  before(async () => {
    ws = await makeWorkspace({ ...SECRET, ...NOT_SECRET });
  });
  after(() => ws.cleanup());

  for (const rel of Object.keys(SECRET)) {
    it(`${rel} is a secret: the rule says so, the packager leaves it out, the preview flags it if included, the agent refuses it`, async () => {
      const abs = `${ws.root}/${rel}`;
      assert.ok(await secretReason(rel, abs), 'secretReason');
      const listed = await listSourceFiles(ws.root);
      assert.ok(listed.secretsExcluded.includes(rel), 'left out of the upload');
      assert.ok(!listed.files.includes(rel), 'not in the tarball');
      const forced = await listSourceFiles(ws.root, undefined, { include: [rel] });
      assert.ok(forced.files.includes(rel), 'the user can still include it by name');
      const preview = await previewManifest(ws.root, { files: [rel] });
      assert.match(preview.redFlags.map((f) => f.reason).join(), /looks like a secret/, 'flagged in the preview');
      const outcome = await readFileTool()
        .run({ path: rel }, testAgentContext(ws.root, {} as CloudPorts), never)
        .then(
          (r) => r.data,
          (e: unknown) => e,
        );
      assert.ok(outcome instanceof DevgemError && /secret/.test(outcome.message), `read_file refused it: ${String(outcome)}`);
    });
  }

  it('uploads, previews and reads every look-alike that is code, a template or a public half', async () => {
    const listed = await listSourceFiles(ws.root);
    assert.deepEqual(
      listed.files,
      Object.keys(NOT_SECRET).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const preview = await previewManifest(ws.root, listed);
    assert.deepEqual(preview.redFlags, []);
    for (const rel of Object.keys(NOT_SECRET)) {
      assert.equal(await secretReason(rel, `${ws.root}/${rel}`), undefined, rel);
      const r = await readFileTool().run({ path: rel }, testAgentContext(ws.root, {} as CloudPorts), never);
      assert.equal((r.data as { path: string }).path, rel);
    }
  });
});
