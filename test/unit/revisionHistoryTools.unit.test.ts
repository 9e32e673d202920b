// What the agent, the explorer and the history view show of issue 6's revision
// and build history, through the real pipeline and tools on FakeCloud: each
// revision's commit, and a past deploy's build log read back through the port.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { validateWebviewMessage } from '../../src/adapters/vscode/webview/messageValidation';
import { buildLogsTool } from '../../src/core/agent/tools/deployTools';
import { listRevisionsTool, rollbackTool } from '../../src/core/agent/tools/serviceTools';
import { DevgemError } from '../../src/core/base/errors';
import { ExplorerModel } from '../../src/core/explorer/explorer';
import { pastBuildLogDocument, recordBuild } from '../../src/core/logs/pastBuildLog';
import type { DeployRecord } from '../../src/shared/protocol';
import { newSession, testAgentContext, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;
const SHA1 = '1111111111111111111111111111111111111111';
const SHA2 = '2222222222222222222222222222222222222222';
const SECRET = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';

async function rejection(p: Promise<unknown>): Promise<DevgemError> {
  return p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => {
      assert.ok(e instanceof DevgemError, String(e));
      return e;
    },
  );
}

describe('revision commits and past build logs in the tools (FakeCloud)', () => {
  let cleanup: () => Promise<void>;
  let root: string;
  let cloud: FakeCloud;
  let ctx: TestContext;

  /** A repository as git leaves it on disk: HEAD on main, main at `sha`. */
  async function checkout(sha: string): Promise<void> {
    await fs.mkdir(path.join(root, '.git', 'refs', 'heads'), { recursive: true });
    await fs.writeFile(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await fs.writeFile(path.join(root, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
  }

  async function deploy(log: string[], server = 'hi'): Promise<string> {
    cloud.script.buildLog = log;
    await fs.writeFile(path.join(root, 'server.js'), `require('http').createServer((q, s) => s.end('${server}')).listen(process.env.PORT || 8080);\n`);
    const result = await ctx.runDeploy(ctx.deployOptions(), never);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    return ctx.lastDeploy()!.deployId;
  }

  beforeEach(async () => {
    const ws = await makeWorkspace(NODE_APP, 'svc');
    cleanup = ws.cleanup;
    root = ws.root;
    cloud = new FakeCloud();
    ctx = testAgentContext(root, cloud.ports(), { session: newSession(), overrides: { service: 'svc' }, buildPollMs: 1 });
  });
  afterEach(() => cleanup());

  it('list_revisions and the rollback plan name the commit each revision was deployed from', async () => {
    await checkout(SHA1);
    await deploy(['Step 1/1 : FROM node'], 'one');
    await checkout(SHA2);
    await deploy(['Step 1/1 : FROM node'], 'two');

    const listed = await listRevisionsTool().run({ service: 'svc' }, ctx, never);
    const revisions = (listed.data as { revisions: { revision: string; commit?: string; percent: number }[] }).revisions;
    assert.deepEqual(
      revisions.map((r) => [r.commit, r.percent]),
      [
        [SHA2, 100],
        [SHA1, 0],
      ],
    );

    const plan = await rollbackTool().confirmation!({ service: 'svc' }, ctx, never);
    const details = Object.fromEntries(plan.details.map((d) => [d.label, d.value]));
    assert.equal(details.Commit, SHA1);
    assert.match(details['Serving now'], new RegExp(`${revisions[0].revision} \\(100%, commit 2222222\\)`));
    const done = await rollbackTool().run({ service: 'svc' }, ctx, never, plan.pin);
    assert.equal((done.data as { commit?: string }).commit, SHA1);
    assert.match(done.summary ?? '', /\(1111111\)$/);
  });

  it('a revision deployed from outside git says its commit is not recorded', async () => {
    await deploy(['Step 1/1 : FROM node']);
    const listed = (await listRevisionsTool().run({ service: 'svc' }, ctx, never)).data as { revisions: { commit?: string }[] };
    assert.equal(listed.revisions[0].commit, undefined);
    cloud.addRevision('svc');
    const plan = await rollbackTool().confirmation!({ service: 'svc' }, ctx, never);
    assert.equal(plan.details.find((d) => d.label === 'Commit')?.value, 'not recorded');
  });

  it("get_build_logs with a deployId reads that deploy's log back through the port, redacted; without one, the log in memory", async () => {
    const first = await deploy(['Step 1/2 : FROM node:22', `RUN echo ${SECRET}`, 'first build only', 'DONE'], 'one');
    const second = await deploy(['Step 1/1 : FROM node:22', 'second build only'], 'two');
    const record = ctx.deployHistory().find((h) => h.deployId === first)!;
    assert.equal(record.buildId, 'b1', 'the history keeps the build id');

    const current = await buildLogsTool().run({}, ctx, never);
    assert.deepEqual((current.data as { lines_untrusted: string[] }).lines_untrusted, ['Step 1/1 : FROM node:22', 'second build only']);
    assert.ok(!cloud.calls.some((c) => c.startsWith('build.readLog')), 'the current log comes from memory');
    const same = await buildLogsTool().run({ deployId: second }, ctx, never);
    assert.equal((same.data as { deployId: string }).deployId, second);
    assert.ok(!cloud.calls.some((c) => c.startsWith('build.readLog')));

    const past = await buildLogsTool().run({ deployId: first, lines: 3 }, ctx, never);
    const data = past.data as { deployId: string; buildId: string; buildState: string; log: string; lines_untrusted: string[]; totalLines: number };
    assert.deepEqual(
      cloud.calls.filter((c) => c.startsWith('build.readLog')),
      ['build.readLog b1'],
    );
    assert.equal(data.deployId, first);
    assert.equal(data.buildId, 'b1');
    assert.equal(data.buildState, 'success');
    assert.equal(data.log, 'gs://devgem-demo-project-europe-west1/log-b1.txt');
    assert.deepEqual(data.lines_untrusted, ['RUN echo [redacted]', 'first build only', 'DONE']);
    assert.equal(data.totalLines, 4);
    assert.ok(!JSON.stringify(past).includes(SECRET));
    assert.equal(past.summary, '3 log lines of build b1');
  });

  it('get_build_logs after an incremental deploy (no build) gives the log of the last deploy that built', async () => {
    const built = await deploy(['Step 1/1 : FROM node:22', 'the only build']);
    const reused = await deploy(['Step 1/1 : FROM node:22', 'the only build']);
    assert.equal(ctx.lastDeploy()!.stages.build.status, 'skipped');
    const out = await buildLogsTool().run({}, ctx, never);
    const data = out.data as { deployId: string; buildId: string; note: string; lines_untrusted: string[] };
    assert.equal(data.deployId, built);
    assert.equal(data.buildId, 'b1');
    assert.deepEqual(data.lines_untrusted, ['Step 1/1 : FROM node:22', 'the only build']);
    assert.match(data.note, new RegExp(`last deploy \\(${reused}\\) reused the image.*deploy ${built}, the last one that built`));
  });

  it('get_build_logs explains an unknown deploy and one that ran no build', async () => {
    const first = await deploy(['Step 1/1 : FROM node']);
    // The same source again: the image is reused, no build runs.
    const reused = await deploy(['Step 1/1 : FROM node']);
    assert.equal(ctx.lastDeploy()!.stages.build.status, 'skipped');
    const unknown = await rejection(buildLogsTool().run({ deployId: 'nope' }, ctx, never));
    assert.equal(unknown.kind, 'not-found');
    assert.match(unknown.fix ?? '', new RegExp(`Use one of: ${first}`));
    // Not the deploy in memory's log: the record says it ran none.
    await deploy(['Step 1/1 : FROM node'], 'three');
    const none = await rejection(buildLogsTool().run({ deployId: reused }, ctx, never));
    assert.equal(none.kind, 'failed-precondition');
    assert.match(none.message, /reused the image of an earlier build/);
  });

  it('an older record without a build id finds it in its Cloud Console link; the document names the build', () => {
    const r: DeployRecord = {
      deployId: 'd1',
      target: { project: 'p', region: 'europe-west1', service: 'svc' },
      startedAt: 0,
      endedAt: 1,
      outcome: 'success',
      buildConsoleUrl: 'https://console.cloud.google.com/cloud-build/builds;region=europe-west1/3f2a9c4e-1b2d-4c5e-8f90-a1b2c3d4e5f6?project=123',
    };
    assert.deepEqual(recordBuild(r), { project: 'p', region: 'europe-west1', id: '3f2a9c4e-1b2d-4c5e-8f90-a1b2c3d4e5f6' });
    assert.deepEqual(recordBuild({ ...r, buildId: 'b9' }), { project: 'p', region: 'europe-west1', id: 'b9' });
    assert.equal(recordBuild({ ...r, buildConsoleUrl: undefined }), undefined);
    assert.equal(recordBuild({ ...r, target: undefined }), undefined);
    const doc = pastBuildLogDocument(r, {
      buildId: 'b9',
      lines: ['\u001b[31mStep 2/2\u001b[0m', 'DONE'],
      totalLines: 5,
      state: 'failure',
      logUri: 'gs://b/log-b9.txt',
    });
    assert.equal(
      doc,
      '[Devgem] Build b9 of deploy d1 (svc in europe-west1, p): failure, read from gs://b/log-b9.txt\n[Devgem] The first 3 lines are left out.\nStep 2/2\nDONE\n',
    );
  });

  it("the explorer shows a revision's short commit in its description and the whole source in its tooltip", async () => {
    cloud.seedService('api');
    cloud.addRevision('api', { source: { commit: SHA2, dirty: true, repository: 'octo/api' } });
    const m = new ExplorerModel({ runAdmin: () => cloud.ports().runAdmin, target: async () => ({ project: 'demo-project', region: 'europe-west1' }) });
    const revs = await m.children(
      { id: 's', kind: 'service', label: 'api', icon: 'cloud', expandable: true, project: 'demo-project', region: 'europe-west1', service: 'api' },
      never,
    );
    assert.deepEqual(
      revs.map((r) => r.description),
      ['100% · 2222222*', '0%'],
    );
    assert.match(revs[0].tooltip ?? '', new RegExp(`Commit: octo/api@${SHA2}, with uncommitted changes`));
    assert.doesNotMatch(revs[1].tooltip ?? '', /Commit/);
  });

  it('the history view may ask for a past build log by deploy id, and nothing else', () => {
    const ok = validateWebviewMessage({ type: 'showPastBuildLog', deployId: '20261125-120000-ab12' });
    assert.ok(ok.ok);
    for (const bad of [
      { type: 'showPastBuildLog' },
      { type: 'showPastBuildLog', deployId: '' },
      { type: 'showPastBuildLog', deployId: '../x' },
      { type: 'showPastBuildLog', deployId: 'a'.repeat(65) },
      { type: 'showPastBuildLog', deployId: 'd1', url: 'https://x' },
    ]) {
      assert.equal(validateWebviewMessage(bad).ok, false, JSON.stringify(bad));
    }
  });
});
