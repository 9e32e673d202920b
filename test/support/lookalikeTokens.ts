// Look-alike credentials for the redaction tests: each has the shape of a real
// token format (prefix, length, alphabet) with a body generated at run time from
// a seeded generator, so no credential, real or fake, is written in the
// repository for a secret scanner to flag, and every run sees the same values.

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
export const ALNUM = LOWER + UPPER + DIGITS;
export const URLSAFE = `${ALNUM}_-`;
export const BASE64 = `${ALNUM}+/`;
export const HEX = '0123456789abcdef';

/** A small deterministic generator (mulberry32): the same corpus on every run and machine. */
export function generator(seed: number): (alphabet: string, length: number) => string {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    // Every class present, so a body never happens to look like a plain word or hex.
    for (;;) {
      let s = '';
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      const classes = [LOWER, UPPER, DIGITS].filter((c) => alphabet.includes(c[0]));
      if (classes.every((c) => [...s].some((ch) => c.includes(ch)))) return s;
    }
  };
}

const g = generator(20261125);
const join = (...parts: string[]) => parts.join('');
const pem = (kind: string) => {
  const dashes = '-----';
  const body = Array.from({ length: 4 }, () => g(BASE64, 64)).join('\n');
  return join(dashes, 'BEGIN ', kind, dashes, '\n', body, '\n', dashes, 'END ', kind, dashes);
};

/** name -> the credential as it would appear (what must not survive redaction). */
export const LOOKALIKE: Record<string, string> = {
  'Google API key': join('AI', 'za', g(URLSAFE, 35)),
  'Google OAuth access token': join('ya', '29.', g(URLSAFE, 60)),
  'Google OAuth refresh token': join('1/', '/0', g(URLSAFE, 40)),
  'Google OAuth client secret': join('GOC', 'SPX-', g(URLSAFE, 28)),
  'GitHub personal token (ghp_)': join('gh', 'p_', g(ALNUM, 36)),
  'GitHub OAuth token (gho_)': join('gh', 'o_', g(ALNUM, 36)),
  'GitHub user-to-server token (ghu_)': join('gh', 'u_', g(ALNUM, 36)),
  'GitHub server-to-server token (ghs_)': join('gh', 's_', g(ALNUM, 36)),
  'GitHub refresh token (ghr_)': join('gh', 'r_', g(ALNUM, 36)),
  'GitHub fine-grained token': join('github', '_pat_', g(ALNUM, 22), '_', g(ALNUM, 59)),
  'GitLab personal token': join('gl', 'pat-', g(URLSAFE, 20)),
  'Slack bot token': join('xo', 'xb-', g(DIGITS, 12), '-', g(DIGITS, 12), '-', g(ALNUM, 24)),
  'Slack user token': join('xo', 'xp-', g(DIGITS, 12), '-', g(DIGITS, 12), '-', g(DIGITS, 12), '-', g(HEX, 32)),
  'Slack app token': join('xa', 'pp-1-', g(UPPER + DIGITS, 11), '-', g(DIGITS, 13), '-', g(HEX, 64)),
  'Stripe live secret key': join('sk', '_live_', g(ALNUM, 24)),
  'Stripe restricted key': join('rk', '_live_', g(ALNUM, 24)),
  'Stripe test secret key': join('sk', '_test_', g(ALNUM, 24)),
  'Stripe webhook secret': join('wh', 'sec_', g(ALNUM, 32)),
  'SendGrid API key': join('S', 'G.', g(URLSAFE, 22), '.', g(URLSAFE, 43)),
  'npm token': join('np', 'm_', g(ALNUM, 36)),
  'PyPI token': join('py', 'pi-AgE', g(URLSAFE, 60)),
  'Hugging Face token': join('h', 'f_', g(ALNUM, 34)),
  'OpenAI key': join('s', 'k-', g(ALNUM, 48)),
  'OpenAI project key': join('s', 'k-proj-', g(URLSAFE, 74)),
  'Anthropic key': join('s', 'k-ant-api03-', g(URLSAFE, 93)),
  'AWS access key id': join('AK', 'IA', g(UPPER + DIGITS, 16)),
  JWT: join('ey', 'J', g(URLSAFE, 30), '.ey', 'J', g(URLSAFE, 60), '.', g(URLSAFE, 43)),
  'RSA private key': pem('RSA PRIVATE KEY'),
  'PKCS#8 private key': pem('PRIVATE KEY'),
  'OpenSSH private key': pem('OPENSSH PRIVATE KEY'),
  'EC private key': pem('EC PRIVATE KEY'),
  'PGP private key': pem('PGP PRIVATE KEY BLOCK'),
};

/** A password-like value: mixed case, digits and a sign. */
export function passwordLike(seed: number): string {
  const gen = generator(seed);
  return `${gen(ALNUM, 14)}!${gen(DIGITS, 2)}`;
}

export const lookalike = { g, join };
