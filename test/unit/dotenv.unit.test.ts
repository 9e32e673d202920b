import * as assert from 'node:assert/strict';
import { parseDotenv, type DotenvResult } from '../../src/core/env/dotenv';

/** key → value, the way the import reads a parse. */
function values(r: DotenvResult): Record<string, string> {
  return Object.fromEntries(r.entries.map((e) => [e.key, e.value]));
}

/** The problem texts must never hold any of `secrets` (values or pieces of them). */
function assertNoLeak(r: DotenvResult, secrets: string[]): void {
  const text = JSON.stringify({ problems: r.problems, duplicates: r.duplicates, keys: r.entries.map((e) => e.key) });
  for (const s of secrets) assert.ok(!text.includes(s), `a problem or key quotes secret text (${s.length} chars)`);
}

describe('parseDotenv', () => {
  it('reads KEY=value lines, trims unquoted values and skips blank and comment lines', () => {
    const r = parseDotenv('# settings\n\nA=1\n  B = two words  \nC=\n   # indented comment\nD=x=y\n');
    assert.deepEqual(values(r), { A: '1', B: 'two words', C: '', D: 'x=y' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.entries.map((e) => e.line),
      [3, 4, 5, 7],
    );
  });

  it('takes `export KEY=value` as KEY (and a key named export as is)', () => {
    assert.deepEqual(values(parseDotenv('export A=1\nexport   B="2"\nexport=3\n')), { A: '1', B: '2', export: '3' });
  });

  it('drops a " #" comment after an unquoted value, keeps a # inside a word, and `KEY= # note` is empty', () => {
    assert.deepEqual(values(parseDotenv('A=1 # the first\nB=pass#word\nC= # nothing yet\nD=#\n')), { A: '1', B: 'pass#word', C: '', D: '' });
  });

  it('single quotes are literal; double quotes expand \\n \\t \\" \\\\ and keep unknown escapes', () => {
    const r = parseDotenv(String.raw`S='a\nb "c" #d'` + '\n' + String.raw`D="a\nb\t\"c\" \\ \q #d"` + '\n' + 'B=`it\'s "x"`\n');
    assert.deepEqual(values(r), { S: String.raw`a\nb "c" #d`, D: 'a\nb\t"c" \\ \\q #d', B: 'it\'s "x"' });
    assert.deepEqual(r.problems, []);
  });

  it('a comment after a closing quote is fine; other text after it is a problem naming the key only', () => {
    const r = parseDotenv('A="one" # note\nB="two" tail-secret-text\nC=3\n');
    assert.deepEqual(values(r), { A: 'one', C: '3' });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /^line 2: B has text after its closing quote$/);
    assertNoLeak(r, ['tail-secret-text', 'two']);
  });

  it('quoted values may span lines (a PEM key), and the next entry starts on the right line', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC=\nabc\n-----END PRIVATE KEY-----';
    const r = parseDotenv(`PRIVATE_KEY="${pem}"\nAFTER=1\nQ='x\ny'\n`);
    assert.deepEqual(values(r), { PRIVATE_KEY: pem, AFTER: '1', Q: 'x\ny' });
    assert.deepEqual(
      r.entries.map((e) => [e.key, e.line]),
      [
        ['PRIVATE_KEY', 1],
        ['AFTER', 5],
        ['Q', 6],
      ],
    );
  });

  it('an unclosed quote stops the parse there: the lines below are the broken value, never keys', () => {
    // The base64 line ends in "=", so read as a line it would become a key made of key material.
    const r = parseDotenv('A=1\nPRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhk=\nZZ=top\n');
    assert.deepEqual(values(r), { A: '1' });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /^line 2: PRIVATE_KEY has an opening " without a closing one; the rest of the file was not read$/);
    assertNoLeak(r, ['MIIEvQIBADANBgkqhk', 'BEGIN PRIVATE KEY', 'ZZ']);
  });

  it('a later duplicate wins, keeps the first position and is reported once', () => {
    const r = parseDotenv('A=1\nB=2\nA=3\nA=4\n');
    assert.deepEqual(r.entries, [
      { key: 'A', value: '4', line: 1 },
      { key: 'B', value: '2', line: 2 },
    ]);
    assert.deepEqual(r.duplicates, ['A']);
  });

  it('lines that are not KEY=value are problems with their line number that never quote the line', () => {
    const r = parseDotenv('OK=1\nsk_live_abcdefghij\nTOKEN: c2VjcmV0dG9rZW4=\n1BAD=x\n');
    assert.deepEqual(values(r), { OK: '1' });
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message]),
      [
        [2, 'line 2: expected KEY=value (no "=" found)'],
        [3, 'line 3: the text before "=" is not a valid key (letters, digits, _ . -, not starting with a digit)'],
        [4, 'line 4: the text before "=" is not a valid key (letters, digits, _ . -, not starting with a digit)'],
      ],
    );
    assertNoLeak(r, ['sk_live_abcdefghij', 'c2VjcmV0dG9rZW4', 'TOKEN: ']);
  });

  it('ignores a byte-order mark and reads CRLF and CR line ends like LF', () => {
    const r = parseDotenv('\uFEFFA=1\r\nB="x\r\ny"\r\nC=3\rD=4');
    assert.deepEqual(values(r), { A: '1', B: 'x\ny', C: '3', D: '4' });
    assert.deepEqual(
      r.entries.map((e) => e.line),
      [1, 2, 4, 5],
    );
    assert.ok(!r.entries[0].key.includes('\uFEFF'));
  });

  it('an empty file, or one with only comments, has no entries and no problems', () => {
    for (const text of ['', '\n\n', '# only\n#comments']) assert.deepEqual(parseDotenv(text), { entries: [], problems: [], duplicates: [] });
  });

  it('keys may hold dots and dashes (the import then rejects them by name); values keep inner spaces and quotes', () => {
    assert.deepEqual(values(parseDotenv('my.key-1=a "b" c\n')), { 'my.key-1': 'a "b" c' });
  });
});
