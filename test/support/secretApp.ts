// What the secret-handling suites (.env import, the planted-secret sweep) deploy:
// planted values, fresh each run so a hit can only come from this run, and an app
// that reads them from its environment and serves only their hashes, so the app
// sees the values and no test output ever does.
import { randomBytes } from 'node:crypto';

export const STRIPE = `sk_live_${randomBytes(12).toString('hex')}`;
export const DB_PASSWORD = `pw${randomBytes(9).toString('hex')}`;
export const DATABASE_URL = `postgres://shop:${DB_PASSWORD}@10.0.0.5:5432/shop`;

/** GET / answers `{ greeting, stripe, db }`: GREETING as it is, the two secrets as sha256 hex (null when unset). */
export const SECRET_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', scripts: { start: 'node server.js' } }),
  'server.js': [
    "const crypto = require('crypto');",
    "const h = (v) => (v === undefined ? null : crypto.createHash('sha256').update(v).digest('hex'));",
    "require('http').createServer((req, res) => {",
    "  console.log('served ' + req.url);",
    "  res.setHeader('Content-Type', 'application/json');",
    '  res.end(JSON.stringify({ greeting: process.env.GREETING ?? null, stripe: h(process.env.STRIPE_SECRET_KEY), db: h(process.env.DATABASE_URL) }));',
    "}).listen(Number(process.env.PORT) || 8080, () => console.log('listening'));",
    '',
  ].join('\n'),
};
