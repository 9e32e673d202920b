// "Approve exactly what runs": a write tool's card pins what it showed (the service as it was,
// the revision it named, the file content its diff was made from) and the tool refuses when
// that changed before the click; plans show env values (secret-looking ones masked, saying why);
// diffs are complete; and in VS Code an approved edit is a WorkspaceEdit that respects unsaved work.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type { DeployRunner } from '../../src/adapters/vscode/deploy/deployRunner';
import { unifiedDiff } from '../../src/core/agent/diff';
import type { ConfirmPort } from '../../src/core/agent/registry';
import { createToolRegistry } from '../../src/core/agent/tools';
import { hashText } from '../../src/core/agent/tools/pinned';
import { envValueShown } from '../../src/core/agent/tools/planValues';
import type { UsageGuard } from '../../src/core/base/usage';
import type { CloudPorts } from '../../src/core/cloud/ports';
import type { DeploySession } from '../../src/core/deploy/deploySession';
import { newSession, testAgentContext, type AskedConfirmation, type TestContext } from '../support/agentHarness';
import { FakeCloud } from '../support/fakes';
import { editorStub } from '../support/vscodeEditorStub';
import { useVscodeStub } from '../support/vscodeStub';
import { makeWorkspace, NODE_APP } from '../support/workspace';

const never = new AbortController().signal;

/** Approves every card, after `meanwhile` (what happens in the world while the card is open). */
class ApproveAfter implements ConfirmPort {
  readonly asked: AskedConfirmation[] = [];
  constructor(private readonly meanwhile: () => Promise<void> = async () => undefined) {}
  async ask(request: AskedConfirmation): Promise<boolean> {
    this.asked.push(request);
    await this.meanwhile();
    return true;
  }
}

describe('approve exactly what runs', () => {
  let cleanup: () => Promise<void>;
  let root: string;
  let cloud: FakeCloud;
  let ctx: TestContext;
  const registry = createToolRegistry();
  const run = (name: string, args: Record<string, unknown>, confirm: ConfirmPort) => registry.execute({ name, args }, ctx, { confirm }, never);

  async function deploy(text: string): Promise<void> {
    await fs.writeFile(path.join(root, 'server.js'), `require('http').createServer((q, s) => s.end('${text}')).listen(process.env.PORT || 8080);\n`);
    const result = await ctx.runDeploy(ctx.deployOptions(), never);
    assert.equal(result.outcome, 'success', JSON.stringify(result));
  }

  beforeEach(async () => {
    const ws = await makeWorkspace(NODE_APP, 'svc');
    cleanup = ws.cleanup;
    root = ws.root;
    cloud = new FakeCloud();
    ctx = testAgentContext(root, cloud.ports(), { session: newSession(), overrides: { service: 'svc' }, buildPollMs: 1 });
  });
  afterEach(() => cleanup());

  describe('a pinned file edit', () => {
    const fix = { path: 'server.js', content: 'console.log("fixed");\n', explanation: 'The fix.' };

    it('refuses after the file changed since the diff was shown, and keeps the newer change', async () => {
      const newer = 'console.log("the user edited this meanwhile");\n';
      const out = await run('propose_fix', fix, new ApproveAfter(() => fs.writeFile(path.join(root, 'server.js'), newer)));
      assert.equal(out.status, 'failed');
      assert.match(String(out.response.error), /server\.js was modified after you saw this diff, so Devgem did not apply it/);
      assert.equal(await fs.readFile(path.join(root, 'server.js'), 'utf8'), newer);
    });

    it('refuses after the file was deleted, and applies the approved diff when nothing changed', async () => {
      const gone = await run('propose_fix', fix, new ApproveAfter(() => fs.rm(path.join(root, 'server.js'))));
      assert.match(String(gone.response.error), /server\.js was deleted after you saw this diff/);
      await fs.writeFile(path.join(root, 'server.js'), NODE_APP['server.js']);
      const ok = await run('propose_fix', fix, new ApproveAfter());
      assert.equal(ok.status, 'done', JSON.stringify(ok.response));
      assert.equal(await fs.readFile(path.join(root, 'server.js'), 'utf8'), fix.content);
    });

    it('the card never carries the pin; the whole edit goes to the diff editor, not to the webview', async () => {
      const confirm = new ApproveAfter();
      await run('propose_fix', fix, confirm);
      assert.equal('pin' in confirm.asked[0], false);
      assert.deepEqual(confirm.asked[0].review, { path: 'server.js', before: NODE_APP['server.js'], after: fix.content });
    });
  });

  describe('a pinned service', () => {
    it('set_env_vars refuses after the service changed (a deploy meanwhile) and sets nothing', async () => {
      await deploy('one');
      const out = await run('set_env_vars', { set: { GREETING: 'hi' } }, new ApproveAfter(() => deploy('two')));
      assert.equal(out.status, 'failed');
      assert.match(String(out.response.error), /svc .*changed after you saw this plan \(.*its latest revision.*\), so Devgem did not run it/);
      assert.equal(cloud.calls.filter((c) => c.startsWith('runAdmin.updateEnv')).length, 0, cloud.calls.join('\n'));
    });

    it('rollback refuses after the service changed, and otherwise rolls back to the revision the card named', async () => {
      await deploy('one');
      await deploy('two');
      const moved = await run('rollback', {}, new ApproveAfter(() => deploy('three')));
      assert.equal(moved.status, 'failed');
      assert.match(String(moved.response.error), /changed after you saw this plan/);
      assert.equal(cloud.calls.filter((c) => c.startsWith('runAdmin.routeAllTraffic')).length, 0);

      const confirm = new ApproveAfter();
      const ok = await run('rollback', {}, confirm);
      assert.equal(ok.status, 'done', JSON.stringify(ok.response));
      const named = /to (\S+)$/.exec(confirm.asked[0].title)?.[1];
      assert.ok(named);
      assert.equal(ok.response.servingRevision, named);
    });

    it('delete_service refuses after the service changed', async () => {
      await deploy('one');
      const out = await run('delete_service', { service: 'svc' }, new ApproveAfter(() => deploy('two')));
      assert.equal(out.status, 'failed');
      assert.match(String(out.response.error), /changed after you saw this plan/);
      assert.equal(cloud.calls.filter((c) => c.startsWith('runAdmin.deleteService')).length, 0);
    });
  });

  describe('what the plan shows', () => {
    it('shows env values, so an injected URL is visible', async () => {
      const confirm = new ApproveAfter();
      let asked: AskedConfirmation | undefined;
      await registry.execute(
        { name: 'deploy', args: { env: { API_BASE_URL: 'https://attacker.example' } } },
        ctx,
        { confirm: { ask: async (r) => ((asked = r), confirm.asked.push(r), false) } },
        never,
      );
      const envLine = asked?.details.find((d) => d.label === 'Env vars')?.value;
      assert.equal(envLine, 'API_BASE_URL=https://attacker.example');
    });

    it('masks secret-looking values and says why', () => {
      assert.match(envValueShown('DB_PASSWORD', 'hunter2hunter2'), /^DB_PASSWORD=•••• \(hidden: its name looks like a secret/);
      assert.match(envValueShown('UPSTREAM', 'postgres://app:s3cr3t@db.internal/app'), /^UPSTREAM=•••• \(hidden: it is a URL with a password/);
      assert.doesNotMatch(envValueShown('UPSTREAM', 'postgres://app:s3cr3t@db.internal/app'), /s3cr3t/);
      assert.equal(envValueShown('LOG_LEVEL', 'debug'), 'LOG_LEVEL=debug');
    });

    it('a one-line change in a 2,100-line file is a small, complete inline diff', () => {
      const lines = Array.from({ length: 2100 }, (_, i) => `line ${i}`);
      const after = [...lines];
      after[1000] = 'changed';
      const diff = unifiedDiff('big.txt', `${lines.join('\n')}\n`, `${after.join('\n')}\n`) ?? '';
      assert.match(diff, /^-line 1000$/m);
      assert.match(diff, /^\+changed$/m);
      assert.doesNotMatch(diff, /too large/);
    });
  });
});

describe('approved edits in VS Code', () => {
  const editor = editorStub();
  let folders_: { name: string; uri: { fsPath: string } }[] = [];
  const shown: unknown[] = [];
  const opened: unknown[][] = [];
  let answers: (string | undefined)[] = [];
  const modals: { title: string; detail: string; buttons: string[] }[] = [];
  const stub = {
    ...editor.api,
    workspace: {
      ...editor.api.workspace,
      get textDocuments() {
        return editor.documents;
      },
      get workspaceFolders() {
        return folders_;
      },
    },
    window: {
      showTextDocument: (uri: unknown) => Promise.resolve(void shown.push(uri)),
      showWarningMessage: (title: string, o: { detail: string }, ...buttons: string[]) => {
        modals.push({ title, detail: o.detail, buttons });
        return Promise.resolve(answers.shift());
      },
    },
    commands: { executeCommand: (...a: unknown[]) => Promise.resolve(void opened.push(a)) },
    Uri: { file: (fsPath: string) => ({ fsPath }), from: (c: { scheme: string; path: string; query: string }) => c },
  };
  const subject = useVscodeStub<typeof AgentHost>(stub, require.resolve('../../src/adapters/vscode/chat/agentHost'));
  let root: string;
  let cleanup: () => Promise<void>;
  const context = () => {
    const folders = { current: () => folders_[0] };
    return new (subject.load().VscodeAgentContext)({
      session: {} as DeploySession,
      runner: {} as DeployRunner,
      ports: () => ({}) as CloudPorts,
      usage: {} as UsageGuard,
      folders: folders as never,
    });
  };

  beforeEach(async () => {
    const ws = await makeWorkspace({ 'server.js': 'old\n' }, 'edits');
    root = ws.root;
    cleanup = ws.cleanup;
    folders_ = [{ name: 'edits', uri: { fsPath: root } }];
    editor.documents.length = 0;
    editor.applied.length = 0;
  });
  afterEach(() => cleanup());

  it('applies the edit as one WorkspaceEdit (undoable) and saves it', async () => {
    await context().writeWorkspaceFile('server.js', 'new\n', { expectedHash: hashText('old\n') });
    assert.equal(editor.applied.length, 1);
    assert.equal(await fs.readFile(path.join(root, 'server.js'), 'utf8'), 'new\n');
    assert.equal(editor.documents[0].isDirty, false);
    await context().writeWorkspaceFile('sub/Dockerfile', 'FROM node:24\n');
    assert.equal(editor.applied.length, 2);
    assert.equal(await fs.readFile(path.join(root, 'sub', 'Dockerfile'), 'utf8'), 'FROM node:24\n');
  });

  it('refuses to write over unsaved changes in an open editor', async () => {
    await editor.openDocument(path.join(root, 'server.js'), 'unsaved work\n');
    await assert.rejects(context().writeWorkspaceFile('server.js', 'new\n'), /server\.js has unsaved changes in the editor/);
    assert.equal(editor.applied.length, 0);
    assert.equal(editor.documents[0].getText(), 'unsaved work\n');
    assert.equal(await fs.readFile(path.join(root, 'server.js'), 'utf8'), 'old\n');
  });

  it('refuses when the document no longer has the content the diff was made from', async () => {
    await assert.rejects(
      context().writeWorkspaceFile('server.js', 'new\n', { expectedHash: hashText('something else\n') }),
      /was modified after you saw this diff/,
    );
    assert.equal(editor.applied.length, 0);
  });

  it('the modal says when the diff is cut and offers the diff editor; only the approve button approves', async () => {
    const before = Array.from({ length: 120 }, (_, i) => `a${i}`).join('\n');
    const after = Array.from({ length: 120 }, (_, i) => `b${i}`).join('\n');
    const diffs = { open: async (r: unknown) => void opened.push([r]) };
    const confirm = new (subject.load().HybridConfirm)({} as never, () => false, diffs as never);
    opened.length = 0;
    modals.length = 0;
    answers = ['Review in Diff Editor', 'Apply Fix'];
    const request = {
      title: 'Edit x',
      approveLabel: 'Apply Fix',
      details: [],
      diff: unifiedDiff('x', before, after),
      review: { path: 'x', before, after },
      tool: 'propose_fix',
      risk: 'write' as const,
    };
    assert.equal(await confirm.ask(request, never), true);
    assert.equal(modals.length, 2);
    assert.match(modals[0].detail, /… \d+ more diff lines are not shown here\./);
    assert.match(modals[0].detail, /Choose "Review in Diff Editor" to see all of it/);
    assert.deepEqual(modals[0].buttons, ['Apply Fix', 'Review in Diff Editor']);
    assert.deepEqual(opened, [[request.review]]);
    answers = ['Review in Diff Editor', undefined];
    assert.equal(await confirm.ask(request, never), false);
  });
});
