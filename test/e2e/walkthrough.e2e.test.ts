// The Getting Started walkthrough in a real VS Code (code-server with the packaged .vsix):
// with the emulator (signed in) and a project and region set, its first two steps tick,
// even though the walkthrough is opened only after the extension set its context keys
// (npm start opens no welcome page, so VS Code's walkthrough service starts late).
import { openViewContainer, findWebviewFrame, openWorkbench, pickQuickItem, runCommand, screenshot } from './harness';
import { startE2ESession, waitUntil, type E2ESession } from './session';

describe('the Getting Started walkthrough in a real VS Code (code-server)', function () {
  this.timeout(240_000);
  let s: E2ESession;

  before(async () => {
    s = await startE2ESession({
      name: 'e2e-walkthrough',
      settings: { 'devgem.project': 'e2e-project', 'devgem.region': 'europe-west1', 'devgem.ai.provider': 'off' },
    });
    await openWorkbench(s.page, s.server.url, 'Devgem');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await screenshot(s.page, 'e2e-walkthrough-failed').catch(() => undefined);
  });

  after(async () => {
    await s?.close();
  });

  it('ticks "Sign in" and "Choose project and region" when their keys were true before it opened', async () => {
    // The extension is active and has read its settings: its sidebar answers.
    await openViewContainer(s.page, 'Devgem');
    await findWebviewFrame(s.page, 'Deploy', 60_000);
    await runCommand(s.page, 'Welcome: Open Walkthrough...', { timeoutMs: 60_000 });
    await pickQuickItem(s.page, /Get started with Devgem/, 30_000);
    const step = (id: string) => s.page.locator(`[data-done-step-id$="#devgem.gettingStarted#${id}"]`).first();
    await step('signIn').waitFor({ state: 'attached', timeout: 60_000 });
    for (const id of ['signIn', 'chooseTarget']) {
      await waitUntil(`the walkthrough step ${id} ticks`, 60_000, async () => /\bcomplete\b/.test((await step(id).getAttribute('class')) ?? ''));
    }
    await screenshot(s.page, 'e2e-walkthrough-ticked');
  });
});
