// The redaction corpora (issue 13): real token formats that must never survive
// redactText, and ordinary prose and code that it must leave exactly as it is.
// Every credential is a look-alike built at run time (test/support/lookalikeTokens.ts).
import * as assert from 'node:assert/strict';
import { RedactingStream, REDACTED, redactText } from '../../src/core/base/redact';
import { HELP_TEXT } from '../../src/core/chat/intents/helpText';
import { ALNUM, BASE64, generator, HEX, LOOKALIKE, lookalike, passwordLike, URLSAFE } from '../support/lookalikeTokens';

const { g, join } = lookalike;
const pw = passwordLike(7);
const awsSecret = g(BASE64, 40);
const basic = Buffer.from(`deploy-bot:${passwordLike(8)}`).toString('base64');
const opaqueBearer = g(URLSAFE, 40);
const slackHook = join(
  'https://hooks.slack.com/services/T',
  g('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10),
  '/B',
  g('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10),
  '/',
  g(ALNUM, 24),
);
const discordHook = `${g('0123456789', 18)}/${g(URLSAFE, 68)}`;
const saKey = JSON.stringify({
  type: 'service_account',
  project_id: 'demo-project',
  private_key_id: g(HEX, 40),
  private_key: `${LOOKALIKE['PKCS#8 private key']}\n`,
  client_email: 'deployer@demo-project.iam.gserviceaccount.com',
});

/** [where the credential sits, the credential (what must be gone afterwards)]. */
const MUST_REDACT: [string, string][] = [
  ...Object.entries(LOOKALIKE).map(([name, token]): [string, string] => [`${name}: the value is ${token} (from the build)`, token]),
  [`<script src="https://maps.googleapis.com/maps/api/js?key=${LOOKALIKE['Google API key']}"></script>`, LOOKALIKE['Google API key']],
  [saKey, LOOKALIKE['PKCS#8 private key'].split('\n')[1]],
  [saKey, LOOKALIKE['PKCS#8 private key'].split('\n')[3]],
  [`aws_access_key_id = ${LOOKALIKE['AWS access key id']}\naws_secret_access_key = ${awsSecret}`, awsSecret],
  [`{"AccessKeyId": "${LOOKALIKE['AWS access key id']}", "SecretAccessKey": "${awsSecret}"}`, awsSecret],
  [`curl -H "Authorization: Basic ${basic}" https://api.example.com`, basic],
  [`Authorization: Bearer ${opaqueBearer}`, opaqueBearer],
  [`proxy-authorization: ${opaqueBearer}`, opaqueBearer],
  [`GET / HTTP/1.1\r\nauthorization: token ${LOOKALIKE['GitHub personal token (ghp_)']}`, LOOKALIKE['GitHub personal token (ghp_)']],
  [`the header was Basic ${basic}`, basic],
  [`notify ${slackHook} on failure`, slackHook.split('/services/')[1]],
  [`https://discord.com/api/webhooks/${discordHook}`, discordHook],
  [`DATABASE_URL=postgres://shop:${pw}@10.0.0.5:5432/shop`, pw],
  [`redis://:${pw}@cache.internal:6379/0`, pw],
  [`mongodb+srv://admin:${pw}@cluster0.example.mongodb.net/db`, pw],
  [`git clone https://deploy:${pw}@git.example.com/repo.git`, pw],
  [`DB_PASSWORD=${pw}`, pw],
  [`export DB_PASSWORD="${pw}"`, pw],
  [`password=${pw}`, pw],
  [`--password=${pw}`, pw],
  [`{"secret": "${pw}"}`, pw],
  [`client_secret: '${pw}'`, pw],
  [`apiKey: "${pw}"`, pw],
  [`STRIPE_WEBHOOK_TOKEN = ${pw}`, pw],
  [`SECRET_KEY_BASE=${g(HEX, 128)}`, ''],
  [`https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=${g(HEX, 512)}`, ''],
  [`https://api.example.com/v1?access_token=${opaqueBearer}&page=2`, opaqueBearer],
];

const MUST_KEEP: string[] = [
  HELP_TEXT,
  'Auth: "enabled"',
  'Secrets: ".env"',
  'password: required',
  'Password: the one you set in Settings',
  'The token count is 1234 and max_tokens: 2048, token_count: 1234.',
  'keyboard, monkey.py, keys.py, turkey, donkey-kong',
  `commit ${g(HEX, 40)} on main`,
  `https://console.cloud.google.com/cloud-build/builds;region=europe-west1/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b?project=demo-project`,
  'https://shop-abc123xyz-ew.a.run.app and https://shop-123456789012.europe-west1.run.app',
  `europe-west1-docker.pkg.dev/demo-project/devgem/shop@sha256:${g(HEX, 64)}`,
  'The header aGVsbG8gd29ybGQ= decodes to "hello world", and Basic configuration is fine.',
  'Bearer authentication is required for this endpoint.',
  'secret_name: api-key, secretId: shop-stripe-secret-key, Secret Manager: shop-stripe-secret-key (version 3)',
  '--secret API_KEY=api-key (the name of the secret, not its value)',
  'pip install sk-learn-compatible-estimators-here',
  'key: "Escape", primary key, cache_key: user',
  'password: ${DB_PASSWORD}\nAPI_KEY=$API_KEY\npassword = os.environ["DB_PASSWORD"]\ntoken = getenv("TOKEN")\nsecret: {{ secrets.STRIPE }}',
  'password_file: /run/secrets/db, credentials: ./key.json, token_url: https://oauth2.googleapis.com/token',
  'Step 3/7 : RUN npm ci --omit=dev',
  'npm_config_cache=/tmp/npm and hf_hub_download(repo_id="x")',
  'Author: Jane Doe, authority: https://login.example.com, authorization_url: https://accounts.google.com/o/oauth2/auth',
  'DATABASE_URL=postgres://localhost:5432/db and ssh git@github.com:owner/repo.git',
  'GREETING=hello\nPORT=8080\nNODE_ENV=production',
  'Use `devgem deploy --yes`; the service api is private: authentication: required',
  'id: 6f1c2b8e-2d3a-4b5c-9d8e-7f6a5b4c3d2e, revision shop-00042-xyz',
  'the secret "api-db-url" has 3 versions; the password was rotated',
];

describe('redaction corpora', () => {
  for (const [i, [text, secret]] of MUST_REDACT.entries()) {
    it(`redacts #${i + 1}: ${text.slice(0, 40).replace(/[A-Za-z0-9+/=_-]{12,}/g, '…')}`, () => {
      const out = redactText(text);
      assert.ok(out.includes(REDACTED), `nothing redacted in ${out}`);
      if (secret) assert.ok(!out.includes(secret), `the credential survived: ${out}`);
      // The long random bodies are gone, whatever the format.
      for (const chunk of text.match(/[A-Za-z0-9+/_-]{24,}/g) ?? []) {
        if (/^[a-f0-9]+$/.test(chunk) && chunk.length === 40 && text.includes('private_key_id')) continue;
        if (/googleapis|gserviceaccount|console|example/.test(chunk)) continue;
        assert.ok(!out.includes(chunk), `"${chunk.slice(0, 8)}…" survived in ${out.slice(0, 200)}`);
      }
      assert.equal(redactText(out), out, 'redacting again changes nothing');
    });
  }

  for (const [i, text] of MUST_KEEP.entries()) {
    it(`keeps #${i + 1}: ${text.slice(0, 50).split('\n')[0]}`, () => {
      assert.equal(redactText(text), text);
    });
  }

  it('keeps the chat’s help text as it is (no "[redacted] .env")', () => {
    assert.equal(redactText(HELP_TEXT), HELP_TEXT);
    assert.ok(!redactText(HELP_TEXT).includes(REDACTED));
  });
});

describe('redacting a streamed reply', () => {
  const reply = [
    'Your key is',
    LOOKALIKE['Google API key'],
    'and the bot uses',
    LOOKALIKE['Slack bot token'],
    '.\nThe key file:\n',
    LOOKALIKE['RSA private key'],
    '\nAuthorization: Basic',
    basic,
    `\nDB_PASSWORD=${pw}`,
    'done.',
  ].join(' ');
  const secrets = [LOOKALIKE['Google API key'], LOOKALIKE['Slack bot token'], ...LOOKALIKE['RSA private key'].split('\n').slice(1, -1), basic, pw];

  function play(sizes: () => number): string[] {
    const stream = new RedactingStream();
    const out: string[] = [];
    for (let i = 0; i < reply.length;) {
      const n = Math.max(1, sizes());
      const piece = stream.push(reply.slice(i, i + n));
      if (piece) out.push(piece);
      i += n;
    }
    const rest = stream.end();
    if (rest) out.push(rest);
    return out;
  }

  for (const [name, sizes] of [
    ['one character at a time', () => 1],
    ['in chunks of 7', () => 7],
    [
      'in random chunks',
      (() => {
        const r = generator(3);
        return () => Number.parseInt(r('0123456789', 2), 10) % 23;
      })(),
    ],
  ] as const) {
    it(`never lets a credential or its start out, ${name}, and ends as redactText would`, () => {
      const pieces = play(sizes);
      const shown = pieces.join('');
      for (const s of secrets) {
        assert.ok(!shown.includes(s.slice(0, 8)), `the start of a credential was shown: ${s.slice(0, 4)}…`);
      }
      assert.equal(shown, redactText(reply));
    });
  }
});
