import * as assert from 'node:assert/strict';
import { eolWarnings, pinned, ranged } from '../../src/core/analysis/runtimeChoice';
import { pickLine, RUNTIMES, RUNTIMES_CHECKED, supportedLines } from '../../src/core/analysis/runtimes';
import { isPin, rangeAllows } from '../../src/core/analysis/versionRange';

// The runtime table is dated; these tests pin the date so they do not change
// meaning as the calendar moves on.
const ON = '2026-12-07';
const source = (file: string) => ({ evidence: { file, detail: file }, fixFor: (l: string) => `${file}: ${l}` });

describe('runtime table', () => {
  it('is dated and every preferred line is supported on that date', () => {
    assert.match(RUNTIMES_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
    for (const rt of Object.values(RUNTIMES)) {
      assert.ok(
        supportedLines(rt.id, RUNTIMES_CHECKED).some((l) => l.line === rt.preferred),
        `${rt.name} ${rt.preferred} is supported on ${RUNTIMES_CHECKED}`,
      );
      assert.ok(rt.why, `${rt.name} says why ${rt.preferred}`);
    }
  });

  it('defaults to the active LTS for Node.js and current lines elsewhere', () => {
    assert.equal(RUNTIMES.node.preferred, '26');
    assert.equal(RUNTIMES.node.image('26'), 'node:26-slim');
    assert.equal(RUNTIMES.python.image(RUNTIMES.python.preferred), 'python:3.14-slim');
    assert.equal(RUNTIMES.nginx.image(RUNTIMES.nginx.preferred), 'nginxinc/nginx-unprivileged:1.30-alpine');
    assert.deepEqual(
      supportedLines('node', ON).map((l) => l.line),
      ['26', '24', '22'],
    );
  });
});

describe('version ranges', () => {
  it('reads npm engines ranges', () => {
    assert.ok(rangeAllows('>=18', '26', 'npm'));
    assert.ok(!rangeAllows('>=18 <22', '22', 'npm'));
    assert.ok(rangeAllows('^20 || ^22', '22', 'npm'));
    assert.ok(!rangeAllows('^20 || ^22', '24', 'npm'));
    assert.ok(rangeAllows('20.x', '20', 'npm'));
    assert.ok(rangeAllows('18 - 20', '19', 'npm'));
    assert.ok(!rangeAllows('>20', '20', 'npm'));
    assert.ok(rangeAllows('>20.1', '20', 'npm'));
    assert.ok(rangeAllows('~18.17', '18', 'npm'));
  });

  it('reads PEP 440, Composer and Bundler ranges', () => {
    assert.ok(rangeAllows('>=3.9,<3.13', '3.12', 'pep440'));
    assert.ok(!rangeAllows('>=3.9,<3.13', '3.13', 'pep440'));
    assert.ok(rangeAllows('~=3.11', '3.14', 'pep440'));
    assert.ok(!rangeAllows('~=3.10.2', '3.11', 'pep440'));
    assert.ok(rangeAllows('==3.11.*', '3.11', 'pep440'));
    assert.ok(!rangeAllows('>=3.8,!=3.12.*,<3.13', '3.12', 'pep440'));
    assert.ok(rangeAllows('^8.1', '8.5', 'composer'));
    assert.ok(!rangeAllows('^7.4', '8.5', 'composer'));
    assert.ok(rangeAllows('^7.4|^8.0', '8.5', 'composer'));
    assert.ok(rangeAllows('~8.1', '8.5', 'composer'), 'Composer ~8.1 means >=8.1 <9');
    assert.ok(rangeAllows('~> 3.1', '3.4', 'gem'));
    assert.ok(!rangeAllows('~> 3.1', '4.0', 'gem'));
    assert.ok(!rangeAllows('~> 3.1.2', '3.4', 'gem'));
  });

  it('tells a pin from a range', () => {
    for (const pin of ['20', 'v20.11.1', '3.11.4', '==8.1']) assert.ok(isPin(pin), pin);
    for (const range of ['>=18', '^8.1', '20.x', '~> 3.1']) assert.ok(!isPin(range), range);
  });
});

describe('choosing a line', () => {
  it('gives a range the preferred line, else the newest supported line it allows, else the newest at all', () => {
    assert.deepEqual(
      pickLine('node', (l) => rangeAllows('>=18', l, 'npm'), ON),
      { line: '26', how: 'preferred' },
    );
    assert.deepEqual(
      pickLine('node', (l) => rangeAllows('>=18 <25', l, 'npm'), ON),
      { line: '24', how: 'newest supported' },
    );
    assert.deepEqual(
      pickLine('node', (l) => rangeAllows('^18 || ^20', l, 'npm'), ON),
      { line: '20', how: 'end of life' },
    );
    assert.equal(
      pickLine('python', (l) => rangeAllows('<3.0', l, 'pep440'), ON),
      undefined,
    );
  });

  it('says how a range was resolved, and warns with the one-line change when the result is end of life', () => {
    const fresh = ranged('node', '>=18', 'npm', source('package.json'), ON)!;
    assert.equal(fresh.fact.value, '26');
    assert.match(fresh.fact.evidence[0].detail, /newest supported, the active LTS/);
    assert.deepEqual(fresh.warnings, []);
    const old = ranged('node', '^18 || ^20', 'npm', source('package.json'), ON)!;
    assert.equal(old.fact.value, '20');
    assert.equal(old.warnings[0].kind, 'runtime-eol');
    assert.match(old.warnings[0].message, /Node\.js 20 reached end of life on 2026-04-30/);
    assert.equal(old.warnings[0].fix, 'package.json: 26');
  });

  it('keeps a pinned end-of-life line and warns; a line near its end is flagged too', () => {
    const go18 = pinned('node', '18', source('.nvmrc'), ON);
    assert.equal(go18.fact.value, '18');
    assert.equal(go18.warnings[0].kind, 'runtime-eol');
    assert.equal(go18.warnings[0].fix, '.nvmrc: 26');
    assert.equal(eolWarnings('php', '8.2', source('composer.json'), ON)[0].kind, 'runtime-eol-soon');
    assert.deepEqual(eolWarnings('node', '24', source('.nvmrc'), ON), []);
  });
});
