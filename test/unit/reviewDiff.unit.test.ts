// "Review in diff editor" on the sidebar's approval card, at the host: the card learns only
// that an edit exists (diffEditor), and its reviewDiff message opens exactly the open
// question's edit in VS Code's diff editor (chat/diffReview.ts). An id that is not the open
// question's (answered, replaced, never asked) is refused with a message, and nothing opens.
import * as assert from 'node:assert/strict';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type * as DiffReviewModule from '../../src/adapters/vscode/chat/diffReview';
import type * as SidebarMessages from '../../src/adapters/vscode/webview/sidebarMessages';
import { webviewRouter } from '../../src/adapters/vscode/webview/router';
import { validateWebviewMessage } from '../../src/adapters/vscode/webview/messageValidation';
import type { ReviewFiles } from '../../src/core/agent/registry';
import { unifiedDiff } from '../../src/core/agent/diff';
import { SessionConfirm } from '../../src/core/chat/sessionConfirm';
import { DeploySession } from '../../src/core/deploy/deploySession';
import type { ConfirmationRequest, ViewSnapshot } from '../../src/shared/protocol';
import { FakeClock } from '../support/fakes';
import { useVscodeStub } from '../support/vscodeStub';

type Uri = { scheme: string; path: string; query: string };

describe('Review in diff editor (approval card, host)', () => {
  const diffsOpened: { left: Uri; right: Uri; title: string }[] = [];
  const warnings: string[] = [];
  const logged: string[] = [];
  const stub = {
    Uri: { from: (c: Uri) => c },
    commands: {
      executeCommand: async (id: string, left: Uri, right: Uri, title: string) => {
        if (id === 'vscode.diff') diffsOpened.push({ left, right, title });
      },
    },
    window: { showWarningMessage: async (text: string) => void warnings.push(text) },
    workspace: { registerTextDocumentContentProvider: () => ({ dispose() {} }) },
    l10n: { t: (s: string, ...a: unknown[]) => s.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) },
  };
  const sidebar = useVscodeStub<typeof SidebarMessages>(stub, require.resolve('../../src/adapters/vscode/webview/sidebarMessages'));

  const DOCKERFILE: ReviewFiles = {
    path: 'Dockerfile',
    before: 'FROM node:20\nCMD ["node", "server.js"]\n',
    after: 'FROM node:24\nCMD ["node", "server.js"]\n',
  };
  const ENV_FILE: ReviewFiles = { path: '.env.example', before: 'PORT=3000\n', after: 'PORT=8080\n' };
  const edit = (r: ReviewFiles) => ({
    tool: 'propose_fix',
    risk: 'write' as const,
    title: `Edit ${r.path}`,
    details: [{ label: 'File', value: r.path }],
    diff: unifiedDiff(r.path, r.before, r.after),
    review: r,
    approveLabel: 'Apply Fix',
  });

  let session: DeploySession;
  let card: SessionConfirm;
  let diffs: DiffReviewModule.DiffReview;
  let confirm: AgentHost.HybridConfirm;
  let post: (raw: unknown) => Promise<void>;
  const open = () => session.current.confirmation as ConfirmationRequest;
  /** Asks and returns the card the webview gets; the answer is left pending. */
  const ask = (request: Parameters<AgentHost.HybridConfirm['ask']>[0]) => {
    const answered = confirm.ask(request, new AbortController().signal);
    answered.catch(() => undefined);
    return { card: open(), answered };
  };

  beforeEach(() => {
    diffsOpened.length = warnings.length = logged.length = 0;
    // Loaded while the stub is in place (sidebar's before hook), like the subject.
    const { HybridConfirm } = require('../../src/adapters/vscode/chat/agentHost') as typeof AgentHost;
    const { DiffReview } = require('../../src/adapters/vscode/chat/diffReview') as typeof DiffReviewModule;
    session = new DeploySession({ load: () => undefined, save: () => undefined }, () => 1000);
    card = new SessionConfirm(session, new FakeClock(), 60_000);
    diffs = new DiffReview();
    confirm = new HybridConfirm(card, () => true, diffs);
    const route = webviewRouter(
      sidebar.load().sidebarHandlers({
        runner: { deploy: async () => undefined },
        session: { cancel: () => false },
        chat: { handle: async () => undefined, stop: () => false },
        card,
        diffs,
        actions: {} as never,
        log: { warn: (l: string) => void logged.push(l) } as never,
        settings: { root: () => undefined, reply: () => undefined },
      }),
    );
    post = async (raw) => {
      const checked = validateWebviewMessage(raw);
      assert.ok(checked.ok, checked.ok ? '' : checked.error);
      await route(checked.message);
    };
  });

  /** The texts of the diff editor's two sides, as VS Code reads them from the content provider. */
  const sides = (d: { left: Uri; right: Uri }) => [d.left, d.right].map((u) => diffs.provideTextDocumentContent(u as never));

  it('the card is told an edit can be reviewed, never given its texts', () => {
    const { card: shown } = ask(edit(DOCKERFILE));
    assert.equal(shown.diffEditor, true);
    const sent = JSON.stringify(session.current satisfies ViewSnapshot);
    assert.ok(!sent.includes('"review"') && !sent.includes('"before"'), 'the whole files stay on the host');
    assert.equal(diffsOpened.length, 0, 'a short diff the card shows whole opens nothing by itself');
  });

  it("opens the open question's edit in the diff editor, as often as asked, without answering it", async () => {
    const { card: shown } = ask(edit(DOCKERFILE));
    await post({ type: 'reviewDiff', id: shown.id });
    await post({ type: 'reviewDiff', id: shown.id });
    assert.equal(diffsOpened.length, 2);
    assert.deepEqual(sides(diffsOpened[0]), [DOCKERFILE.before, DOCKERFILE.after]);
    assert.match(diffsOpened[0].title, /^Dockerfile: current ↔ proposed/);
    assert.deepEqual(warnings, []);
    assert.equal(open()?.id, shown.id, 'still waiting for the click on Approve or Decline');
  });

  it('opens the edit of the question that replaced it, and refuses the replaced one', async () => {
    const first = ask(edit(DOCKERFILE));
    const second = ask(edit(ENV_FILE));
    assert.equal(await first.answered, false, 'a new question declines the old one');
    await post({ type: 'reviewDiff', id: first.card.id });
    assert.equal(diffsOpened.length, 0, "the replaced card's id opens nothing, not even the new edit");
    assert.match(warnings[0], /already answered or replaced, or it changes no file\. Nothing was opened/);
    await post({ type: 'reviewDiff', id: second.card.id });
    assert.deepEqual(sides(diffsOpened[0]), [ENV_FILE.before, ENV_FILE.after]);
  });

  it('refuses an unknown id, an answered question, and a plan that changes no file', async () => {
    await post({ type: 'reviewDiff', id: 'c9-forged' });
    const q = ask(edit(DOCKERFILE));
    assert.equal(card.answer(q.card.id, q.card.token, false), true);
    await post({ type: 'reviewDiff', id: q.card.id });
    const { card: noFile } = ask({ tool: 'delete_service', risk: 'destructive', title: 'Delete api?', details: [], approveLabel: 'Delete' });
    assert.equal(noFile.diffEditor, undefined, 'no button for a plan without an edit');
    await post({ type: 'reviewDiff', id: noFile.id });
    assert.equal(diffsOpened.length, 0);
    assert.equal(warnings.length, 3);
    assert.equal(logged.length, 3);
  });
});
