// Token caps on tool results: a megabyte of logs reaches the model as a
// bounded digest (counts by severity, the error lines, the newest lines, each
// line cut), and any other oversized result is shortened with a note.
import * as assert from 'node:assert/strict';
import { LOG_RESULT_TOKENS, boundedLine, digestLog } from '../../src/core/agent/logDigest';
import { ToolRegistry } from '../../src/core/agent/registry';
import { DEFAULT_RESULT_TOKENS, capResult } from '../../src/core/agent/resultBudget';
import { charsForTokens } from '../../src/core/agent/tokens';
import { createToolRegistry } from '../../src/core/agent/tools';
import { redactText } from '../../src/core/base/redact';
import type { LogEntryInfo, LogSeverity } from '../../src/core/cloud/ports';
import type { DeployState } from '../../src/shared/protocol';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;
const MB = 1024 * 1024;
const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';

async function rig() {
  const ws = await makeWorkspace(NODE_APP, 'svc');
  const cloud = new FakeCloud();
  cloud.seedService('svc', { revisions: 1 });
  const ctx = testAgentContext(ws.root, cloud.ports(), { overrides: { service: 'svc' } });
  const registry = createToolRegistry();
  const run = async (name: string, args: Record<string, unknown>) => {
    const out = await registry.execute({ name, args }, ctx, { confirm: new TestConfirm() }, never);
    assert.equal(out.status, 'done', JSON.stringify(out.response).slice(0, 500));
    return out.response;
  };
  return { ws, cloud, ctx, run };
}

function serviceLog(count: number, chars: number): LogEntryInfo[] {
  return Array.from({ length: count }, (_, i) => {
    const severity: LogSeverity = i % 50 === 7 ? 'ERROR' : i % 10 === 3 ? 'WARNING' : 'INFO';
    const stamp = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    return { timestamp: stamp, severity, text: `entry ${i} ${severity} `.padEnd(chars, 'x') };
  });
}

describe('tool result budget', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('get_service_logs with limit 500 over a 1 MB log sends a bounded digest: counts, the error lines, the newest lines', async () => {
    const r = await rig();
    cleanup = r.ws.cleanup;
    const entries = serviceLog(500, 2100);
    assert.ok(JSON.stringify(entries).length > MB, 'the log is over a megabyte');
    r.cloud.seedLogs('svc', entries);
    const out = await r.run('get_service_logs', { service: 'svc', limit: 500 });
    const size = JSON.stringify(out).length;
    assert.ok(size <= charsForTokens(LOG_RESULT_TOKENS), `${size} characters sent`);
    assert.equal(out.summarized, true);
    assert.equal(out.totalLines, 500);
    assert.deepEqual(out.countsBySeverity, { INFO: 440, WARNING: 50, ERROR: 10 });
    const errors = out.errors_untrusted as LogEntryInfo[];
    const newest = out.entries_untrusted as LogEntryInfo[];
    assert.ok(errors.length >= 5 && errors.every((e) => e.severity === 'ERROR'), `${errors.length} error lines`);
    assert.match(errors.at(-1)!.text, /^entry 457 ERROR/, 'the newest error is kept');
    assert.match(newest.at(-1)!.text, /^entry 499 /, 'the newest entry is kept, last');
    for (const e of [...errors, ...newest]) assert.ok(e.text.length <= 1_100, `a line of ${e.text.length} characters`);
    assert.match(newest[0].text, /… \[line cut at 1,000 of 2,100 characters\]$/);
    assert.equal(out.omittedLines, 500 - errors.length - newest.length);
    assert.match(String(out.note), /digest/);
  });

  it('a small service log is sent as it is', async () => {
    const r = await rig();
    cleanup = r.ws.cleanup;
    r.cloud.seedLogs('svc', serviceLog(5, 80));
    const out = await r.run('get_service_logs', { service: 'svc' });
    assert.equal(out.summarized, undefined);
    assert.equal((out.entries_untrusted as LogEntryInfo[]).length, 5);
    assert.equal((out.entries_untrusted as LogEntryInfo[])[0].text, serviceLog(5, 80)[0].text);
  });

  it('get_build_logs over a 1 MB build log is bounded, and its error lines survive', async () => {
    const r = await rig();
    cleanup = r.ws.cleanup;
    const log = Array.from({ length: 500 }, (_, i) => (i === 480 ? 'npm ERR! code ELIFECYCLE: build failed' : `Step ${i}: `.padEnd(2100, '=')));
    r.ctx.lastDeploy = () => ({ deployId: 'd1', log, droppedLogLines: 0 }) as unknown as DeployState;
    const out = await r.run('get_build_logs', { lines: 500 });
    assert.ok(JSON.stringify(out).length <= charsForTokens(LOG_RESULT_TOKENS));
    assert.deepEqual(out.errors_untrusted, ['npm ERR! code ELIFECYCLE: build failed']);
    assert.deepEqual(out.countsBySeverity, { INFO: 499, ERROR: 1 });
    assert.match((out.lines_untrusted as string[]).at(-1)!, /^Step 499: =+… \[line cut at 500 of 2,100 characters\]$/);
  });

  it('a single 1 MB line is cut, and a secret crossing the cut is redacted whole, not half shown', () => {
    // A space before it: the redactor only takes a token that starts a word (glued to other letters it is prose).
    const line = `${'x'.repeat(989)} ${TOKEN}${'y'.repeat(MB)}`;
    const cut = boundedLine(line, 1000, redactText);
    assert.ok(cut.length < 1100, `${cut.length}`);
    assert.ok(!cut.includes('ghp_01234'), cut.slice(980));
    const digest = digestLog([line], { key: 'lines_untrusted', text: (l) => l, withText: (_l, t) => t, severity: () => 'INFO', lineChars: 1000 });
    assert.ok(JSON.stringify(digest).length < 1200);
  });

  it('read_file of a big file is shortened under the default cap, saying so', async () => {
    const r = await rig();
    cleanup = r.ws.cleanup;
    await r.ctx.writeWorkspaceFile('big.txt', 'lorem ipsum '.repeat(16_000));
    const out = await r.run('read_file', { path: 'big.txt', maxLines: 2000 });
    assert.ok(JSON.stringify(out).length <= charsForTokens(DEFAULT_RESULT_TOKENS));
    assert.match(String(out.truncated_by_devgem), /shortened to fit/);
    assert.match(String(out.content_untrusted), /^lorem ipsum/);
  });

  it('a result shortened to its cap is redacted first: a secret across the cut is never half shown', async () => {
    // A tool that does not redact its own output (the registry is the backstop for every tool).
    const registry = new ToolRegistry<unknown>().register({
      name: 'dump',
      description: 'test',
      parameters: { type: 'object', properties: {} },
      risk: 'read',
      run: async () => ({ data: { text_untrusted: `${'z'.repeat(3989)} ${TOKEN} ${'w '.repeat(20_000)}` }, summary: 'dump' }),
    });
    const out = await registry.execute({ name: 'dump', args: {} }, undefined, { confirm: new TestConfirm() }, never);
    assert.equal(out.status, 'done');
    assert.match(String(out.response.truncated_by_devgem), /shortened to fit/);
    assert.ok(!JSON.stringify(out.response).includes('ghp_01'), String(out.response.text_untrusted).slice(3980, 4040));
  });

  it('capResult leaves a small result alone and shortens lists and strings of a big one', () => {
    const small = { a: 1, b: 'x' };
    assert.equal(capResult(small, 100), small);
    const big = { items: Array.from({ length: 1000 }, (_, i) => ({ name: `service-${i}`, url: `https://service-${i}.example.run.app` })) };
    const out = capResult(big, 1000);
    assert.ok(JSON.stringify(out).length <= charsForTokens(1000));
    const items = out.items as unknown[];
    assert.deepEqual(items[0], big.items[0]);
    assert.match(String(items.at(-1)), /more not shown/);
  });
});
