// Issue 6's revision and build history through the real SDK clients against the
// emulator: each revision lists the commit it was deployed from, and a past
// deploy's build log is read back from Cloud Build and Storage after a later
// deploy replaced the one in memory.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildLogsTool } from '../../src/core/agent/tools/deployTools';
import { listRevisionsTool } from '../../src/core/agent/tools/serviceTools';
import { DevgemError } from '../../src/core/base/errors';
import type { ServiceRef } from '../../src/core/cloud/ports';
import { newSession, testAgentContext } from '../support/agentHarness';
import { makeWorkspace, NODE_APP } from '../support/workspace';
import { useEmulator } from '../support/useEmulator';

const REF: ServiceRef = { project: 'demo-project', region: 'europe-west1', service: 'rev-history' };
const never = new AbortController().signal;

function git(cwd: string, ...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: cwd,
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

async function commitAll(root: string, message: string): Promise<string> {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

describe('revision commits and past build logs through the real SDKs against the emulator', function () {
  this.timeout(120_000);
  const fx = useEmulator();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function repo(): Promise<string> {
    const ws = await makeWorkspace(NODE_APP, REF.service);
    cleanups.push(ws.cleanup);
    git(ws.root, 'init', '-q', '-b', 'main');
    return ws.root;
  }

  it("two deploys from different commits: listRevisions names each revision's commit; a deploy from outside git records none", async () => {
    const root = await repo();
    const session = newSession();
    const ctx = testAgentContext(root, fx.ports, { session, overrides: { service: REF.service } });
    const first = await commitAll(root, 'first');
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    await fs.writeFile(path.join(root, 'server.js'), "require('http').createServer((q, s) => s.end('v2')).listen(process.env.PORT || 8080);\n");
    const second = await commitAll(root, 'second');
    assert.notEqual(first, second);
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');

    const [newer, older] = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.equal(newer.commit, second);
    assert.equal(older.commit, first);
    assert.equal(newer.dirty, undefined, 'committed trees are clean');
    assert.equal(newer.percent, 100);

    // The list_revisions tool hands the same to the agent.
    const listed = await listRevisionsTool().run({ service: REF.service }, ctx, never);
    const revisions = (listed.data as { revisions: { revision: string; commit?: string }[] }).revisions;
    assert.deepEqual(
      revisions.map((r) => r.commit),
      [second, first],
    );

    // An uncommitted change is recorded as such.
    await fs.writeFile(path.join(root, 'server.js'), "require('http').createServer((q, s) => s.end('v3')).listen(process.env.PORT || 8080);\n");
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    const [dirty] = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.equal(dirty.commit, second);
    assert.equal(dirty.dirty, true);

    // The same service deployed from a folder outside git: the live template's commit must not carry over.
    await fs.rm(path.join(root, '.git'), { recursive: true, force: true });
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    const [plain, ...rest] = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.equal(plain.commit, undefined, 'no stale commit on a revision deployed without one');
    assert.equal(plain.dirty, undefined);
    assert.deepEqual(
      rest.map((r) => r.commit),
      [second, second, first],
    );
  });

  it('a deploy from a GitHub repository records the repository next to the commit', async () => {
    const ws = await makeWorkspace(NODE_APP, REF.service);
    cleanups.push(ws.cleanup);
    const commit = 'c0ffee'.padEnd(40, '0');
    const ctx = testAgentContext(ws.root, fx.ports, {
      overrides: { service: REF.service, gitHub: { repository: 'Octo-Org/shop.api', ref: 'main', commit } },
    });
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    const [rev] = await fx.ports.runAdmin.listRevisions(REF, never);
    assert.deepEqual([rev.commit, rev.dirty, rev.repository], [commit, undefined, 'Octo-Org/shop.api']);
  });

  it("a past deploy's build log is read back from Google after a later deploy replaced the one in memory", async () => {
    const root = await repo();
    await commitAll(root, 'first');
    const session = newSession();
    const ctx = testAgentContext(root, fx.ports, { session, overrides: { service: REF.service } });
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    const firstId = session.current.deploy!.deployId;
    const firstBuild = session.current.deploy!.build!.id;
    const firstLog = [...session.current.deploy!.log];
    assert.ok(
      firstLog.some((l) => l.includes(firstId)),
      'the build log names its own source object and image tag',
    );
    assert.equal((await ctx.runDeploy(ctx.deployOptions(), never)).outcome, 'success');
    const secondId = session.current.deploy!.deployId;
    assert.notEqual(secondId, firstId);
    assert.ok(!session.current.deploy!.log.some((l) => l.includes(firstId)), "memory now holds the second build's log");

    const record = session.current.history!.find((h) => h.deployId === firstId)!;
    assert.equal(record.buildId, firstBuild, 'the history keeps the build id');

    const tool = buildLogsTool();
    const out = await tool.run({ deployId: firstId, lines: 500 }, ctx, never);
    const data = out.data as { deployId: string; buildId: string; buildState: string; log: string; lines_untrusted: string[]; totalLines: number };
    assert.equal(data.deployId, firstId);
    assert.equal(data.buildId, firstBuild);
    assert.equal(data.buildState, 'success');
    assert.match(data.log, new RegExp(`^gs://devgem-demo-project-europe-west1/log-${firstBuild}\\.txt$`));
    assert.deepEqual(data.lines_untrusted, firstLog, 'exactly the lines the first build streamed');
    assert.ok(data.lines_untrusted.some((l) => l.includes(`source/${REF.service}-${firstId}.tar.gz`)));
    assert.ok(!data.lines_untrusted.some((l) => l.includes(secondId)), "not the later build's log");
    assert.equal(data.totalLines, firstLog.length);

    // Asking for fewer lines gives the end of that log.
    const tail = (await tool.run({ deployId: firstId, lines: 3 }, ctx, never)).data as { lines_untrusted: string[]; totalLines: number };
    assert.deepEqual(tail.lines_untrusted, firstLog.slice(-3));
    assert.equal(tail.totalLines, firstLog.length);

    // The port itself: a build Cloud Build does not know is a clear not-found.
    const missing = await fx.ports.build.readLog({ ...REF, id: '00000000-0000-4000-8000-000000000000', maxLines: 10 }, never).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(missing instanceof DevgemError && missing.kind === 'not-found', String(missing));
  });
});
