import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { answerOffline } from '../../src/core/chat/offline';
import type { ConfirmPort } from '../../src/core/agent/registry';
import { createToolRegistry } from '../../src/core/agent/tools';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import { diffManifests, hashFiles, KEPT_MANIFESTS, MAX_LISTED_CHANGES, memoryManifestStore, rememberManifest } from '../../src/core/git/sourceChanges';
import { testAgentContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

describe('what changed since the last deploy', () => {
  it('diffs two manifests into added, removed and modified, with exact counts', () => {
    const d = diffManifests({ 'a.js': '1', 'b.js': '2', 'c.js': '3' }, { 'a.js': '1', 'b.js': '9', 'd.js': '4' });
    assert.deepEqual({ added: d.added, removed: d.removed, modified: d.modified }, { added: ['d.js'], removed: ['c.js'], modified: ['b.js'] });
    assert.deepEqual(d.counts, { added: 1, removed: 1, modified: 1, unchanged: 1 });
    assert.equal(d.listsTruncated, false);
  });

  it('bounds the lists but keeps the counts exact', () => {
    const now = Object.fromEntries(Array.from({ length: MAX_LISTED_CHANGES + 5 }, (_, i) => [`f${i}.js`, 'x']));
    const d = diffManifests({}, now);
    assert.equal(d.added.length, MAX_LISTED_CHANGES);
    assert.equal(d.counts.added, MAX_LISTED_CHANGES + 5);
    assert.equal(d.listsTruncated, true);
  });

  it('keeps only the last few manifests, newest first', async () => {
    const store = memoryManifestStore();
    for (let i = 0; i < KEPT_MANIFESTS + 2; i++) await rememberManifest(store, { deployId: `d${i}`, context: '', at: i, files: {} });
    assert.deepEqual(
      store.list().map((m) => m.deployId),
      Array.from({ length: KEPT_MANIFESTS }, (_, i) => `d${KEPT_MANIFESTS + 1 - i}`),
    );
  });

  it('hashes content, so an edit with the same size still shows', async () => {
    const ws = await makeWorkspace({ 'a.txt': 'one' });
    try {
      const before = await hashFiles(ws.root, ['a.txt']);
      await fs.writeFile(path.join(ws.root, 'a.txt'), 'two');
      const after = await hashFiles(ws.root, ['a.txt']);
      assert.notEqual(before.files['a.txt'], after.files['a.txt']);
      assert.equal(before.truncated, false);
    } finally {
      await ws.cleanup();
    }
  });

  it('understands the question in the chat without a model', () => {
    for (const q of [
      'what changed since the last deploy?',
      "What's changed since my last deployment",
      'show me the changes since the last deploy',
      'diff vs the last deploy',
      'which files were modified since deploying?',
    ]) {
      assert.deepEqual(parseChatIntent(q), { kind: 'changes' }, q);
    }
    // Still what they were before.
    assert.equal(parseChatIntent('deploy my changes').kind, 'deploy');
    assert.equal(parseChatIntent('what is the status of the last deploy?').kind, 'status');
    assert.equal(parseChatIntent('deploy').kind, 'deploy');
  });

  it('records the upload of a successful deploy and reports edits after it, through the tool and the offline chat', async function () {
    this.timeout(60_000);
    const ws = await makeWorkspace({ ...NODE_APP, 'lib/util.js': 'module.exports = 1;\n', '.env': 'SECRET=1\n' });
    try {
      const ctx = testAgentContext(ws.root, new FakeCloud().ports(), { buildPollMs: 10, overrides: { service: 'svc' } });
      const registry = createToolRegistry();
      const deps = { registry, ctx, confirm: {} as ConfirmPort, events: { tool: () => undefined }, cancelDeploy: () => false };
      const signal = new AbortController().signal;

      assert.match(await answerOffline({ kind: 'changes' }, deps, signal), /No successful deploy/);
      const result = await ctx.runDeploy(ctx.deployOptions(), signal);
      assert.equal(result.outcome, 'success', JSON.stringify(result));
      const [kept] = ctx.manifestStore.list();
      assert.deepEqual(
        Object.keys(kept.files).sort(),
        ['.dockerignore', 'Dockerfile', 'lib/util.js', 'package.json', 'server.js'],
        'the generated Dockerfile is uploaded; the secret-looking .env is not, so not recorded',
      );
      assert.equal(kept.deployId, ctx.lastDeploy()?.deployId);

      assert.match(await answerOffline({ kind: 'changes' }, deps, signal), /No file changed/);
      await fs.writeFile(path.join(ws.root, 'server.js'), '// edited\n');
      await fs.rm(path.join(ws.root, 'lib/util.js'));
      await fs.writeFile(path.join(ws.root, 'new.js'), 'x');
      const o = await registry.execute({ name: 'get_changes_since_deploy', args: {} }, ctx, { confirm: deps.confirm }, signal);
      assert.equal(o.status, 'done');
      assert.deepEqual([o.response.added, o.response.removed, o.response.modified], [['new.js'], ['lib/util.js'], ['server.js']]);
      assert.equal((o.response.lastDeploy as { deployId: string }).deployId, kept.deployId);
      const answer = await answerOffline(parseChatIntent('what changed since the last deploy?'), deps, signal);
      assert.match(answer, /Modified \(1\): server\.js/);
      assert.match(answer, /Added \(1\): new\.js/);
      assert.match(answer, /Removed \(1\): lib\/util\.js/);
    } finally {
      await ws.cleanup();
    }
  });
});
