// A real VS Code (code-server) with the packaged .vsix installed: Devgem: Deploy
// from the command palette, followed in the sidebar tracker to a URL that answers.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Emulator } from '../../emulator/src/server';
import { DOCKER_HOST, dockerSkipReason } from '../support/docker';
import { findWebviewFrame, openViewContainer, openWorkbench, runCommand, screenshot } from './harness';
import { startE2ESession, type E2ESession } from './session';

/** Expands the Cloud Run explorer pane and its nodes until a row matches `text` (bounded). */
async function explorerShows(page: Page, text: RegExp, timeoutMs = 30_000): Promise<void> {
  const pane = page
    .locator('.pane')
    .filter({ has: page.locator('.pane-header', { hasText: 'Cloud Run' }) })
    .first();
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const rows = pane.locator('.monaco-list-row');
    seen = await rows.allInnerTexts();
    if (seen.some((t) => text.test(t))) return;
    const closed = pane.locator('.monaco-list-row[aria-expanded="false"]').first();
    if (await closed.count()) await closed.click();
    else await page.waitForTimeout(250);
  }
  assert.fail(`the Cloud Run explorer shows no row matching ${text} within ${timeoutMs} ms; rows: ${JSON.stringify(seen)}`);
}

describe('Devgem in a real VS Code (code-server)', function () {
  this.timeout(300_000);
  let session: E2ESession | undefined;
  let emu: Emulator;
  let workspace: string;
  // With the private Docker daemon the sample is really built and really runs (scripts/containers/setup.sh).
  const realBuilder = !dockerSkipReason();

  before(async () => {
    if (!realBuilder) console.log(`    without the real builder: ${dockerSkipReason()}`);
    session = await startE2ESession({
      name: 'e2e',
      knobs: { buildSeconds: 2, deploySeconds: 0.3 },
      docker: realBuilder ? DOCKER_HOST : undefined,
      // Vertex AI mode: with the emulator configured, Gemini calls go to its scripted endpoint.
      settings: { 'devgem.project': 'e2e-project', 'devgem.region': 'europe-west1', 'devgem.ai.provider': 'vertex', 'devgem.ai.vertexProject': 'e2e-project' },
    });
    ({ emu, workspace } = session);
  });

  after(async () => {
    // Keeps the extension's own log (the Devgem output channel) as test-artifacts/e2e-devgem-output.log.
    await session?.close();
  });

  it('Devgem: Deploy from the palette reaches the final stage and shows a URL that answers', async () => {
    const page = session!.page;
    await openWorkbench(page, session!.server.url, 'Devgem');
    await runCommand(page, 'Devgem: Deploy', { timeoutMs: 60_000 });
    // No Dockerfile yet: Devgem shows the one it proposes as a diff and asks first.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.innerText(), /proposes/);
    await page.locator('.diff-editor, .monaco-diff-editor').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'e2e-dockerfile-review');
    await dialog.getByRole('button', { name: 'Write and Deploy' }).click();
    await openViewContainer(page, 'Devgem');
    const view = await findWebviewFrame(page, 'Deploy', 60_000);

    const result = view.locator('#result');
    await result.waitFor({ state: 'visible', timeout: 180_000 });
    await screenshot(page, 'e2e-deploy-finished');
    assert.equal(await result.getAttribute('data-outcome'), 'success', await result.innerText());

    for (const stage of ['preflight', 'analyze', 'dockerfile', 'package', 'upload', 'build', 'deploy', 'expose', 'verify']) {
      const status = await view.locator(`#tracker li[data-stage="${stage}"]`).getAttribute('data-status');
      assert.equal(status, 'done', `stage ${stage}`);
    }
    const url = (await view.locator('#service-url').innerText()).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<h1>Hello from Devgem<\/h1><p>Running since \d{4}-\d\d-\d\dT/);
    if (realBuilder) {
      // What answered is the image Cloud Build built from the generated Dockerfile, running as a container.
      type State = { services: { revisions: { mode: string }[] }[]; builds: { id: string; logsBucket: string }[] };
      const state = (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as State;
      assert.deepEqual(
        state.services[0].revisions.map((r) => r.mode),
        ['container'],
      );
      const build = state.builds[0];
      const bucket = build.logsBucket.replace(/^gs:\/\//, '');
      const log = await (await fetch(`${emu.baseUrl}/storage/v1/b/${bucket}/o/log-${build.id}.txt?alt=media`)).text();
      // The build started from the base image the generated Dockerfile names (a supported Node line for `>=20`).
      const from = /^FROM (node:\d+-slim)$/m.exec(await fs.readFile(path.join(workspace, 'Dockerfile'), 'utf8'))?.[1];
      assert.ok(from, 'the generated Dockerfile starts from a node:<major>-slim image');
      assert.ok(
        log.split('\n').some((line) => new RegExp(`^Step 1/\\d+ : FROM ${from}$`).test(line.trim())),
        `the build log starts FROM ${from}`,
      );
      assert.match(log, /^Successfully tagged europe-west1-docker\.pkg\.dev\/e2e-project\/devgem\/hello-node:/m);
    }

    // The generated Dockerfile is in the workspace for the user to keep.
    assert.match(await fs.readFile(path.join(workspace, 'Dockerfile'), 'utf8'), /^FROM node:(2[2-9]|[3-9]\d)-slim$/m);
    // The status bar shows the result too.
    await page.locator('.statusbar-item', { hasText: 'Devgem:' }).first().waitFor({ timeout: 10_000 });
    // The Cloud Run explorer refreshes itself when a deploy ends: the new service is in the tree.
    await explorerShows(page, /hello-node/);
  });

  it('Cancel in the progress notification stops the deploy and cancels the Cloud Build build', async () => {
    const page = session!.page;
    emu.configure({ buildSeconds: 60 });
    // Changed source, so this deploy builds: unchanged source would reuse the first image (incremental deploys).
    await fs.appendFile(path.join(workspace, 'server.js'), '// changed for the cancel test\n');
    const before = (await emulatorState()).services[0]?.revisions.length ?? 0;
    await runCommand(page, 'Devgem: Deploy', { timeoutMs: 60_000 });
    const view = await findWebviewFrame(page, 'Deploy', 60_000);
    await view.locator('#tracker li[data-stage="build"][data-status="running"]').waitFor({ timeout: 60_000 });
    // Wait until Cloud Build has the build, so there is something to cancel.
    const deadline = Date.now() + 30_000;
    while (!(await emulatorState()).builds.some((b) => b.status === 'WORKING' || b.status === 'QUEUED')) {
      assert.ok(Date.now() < deadline, 'the build never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    const toast = page.locator('.notification-toast', { hasText: 'Devgem' }).first();
    await toast.hover();
    await toast.getByRole('button', { name: 'Cancel' }).click({ timeout: 15_000 });

    await view.locator('#result[data-outcome="cancelled"]').waitFor({ timeout: 60_000 });
    assert.equal(await view.locator('#tracker li[data-stage="build"]').getAttribute('data-status'), 'cancelled');
    const state = await emulatorState();
    assert.equal(state.builds.at(-1)?.status, 'CANCELLED');
    assert.equal(state.services[0]?.revisions.length ?? 0, before, 'no new revision');
    await screenshot(page, 'e2e-deploy-cancelled');
  });

  it('the sidebar chat: "deploy this" with a scripted Gemini, the plan approved in the webview', async () => {
    const page = session!.page;
    emu.configure({ buildSeconds: 1 });
    emu.gemini.script([
      { parts: [{ text: 'Deploying your app.' }, { functionCall: { name: 'deploy', args: {} } }] },
      { parts: [{ text: 'Deployed. It is live.' }], splitText: true },
    ]);
    await openViewContainer(page, 'Devgem');
    const view = await findWebviewFrame(page, 'Deploy', 60_000);
    await view.locator('#agent-mode', { hasText: 'Vertex AI' }).waitFor({ timeout: 30_000 });
    const input = view.locator('#chat-input textarea');
    await input.fill('deploy this');
    await input.press('Enter');

    const card = view.locator('#confirmation');
    await card.waitFor({ timeout: 60_000 });
    const plan = await card.innerText();
    assert.match(plan, /e2e-project/);
    assert.match(plan, /europe-west1/);
    assert.match(plan, /hello-node \(update/);
    assert.match(plan, /Public/);
    await screenshot(page, 'e2e-chat-plan');
    await view.locator('#confirmation[data-armed]').waitFor({ timeout: 5_000 });
    await view.locator('#confirm-approve').click();

    await view.locator('#result[data-outcome="success"]').waitFor({ timeout: 180_000 });
    await view.locator('.chat-msg[data-role="assistant"]', { hasText: 'It is live.' }).waitFor({ timeout: 30_000 });
    await view.locator('.tool-card[data-status="done"]', { hasText: 'deploy' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'e2e-chat-deployed');
    const requests = emu.gemini.requests();
    assert.equal(requests.length, 2);
    assert.ok(
      requests.every((r) => r.mode === 'vertex' && r.bearer),
      'Vertex AI with a bearer token',
    );
  });

  async function emulatorState(): Promise<{ builds: { status: string }[]; services: { revisions: unknown[] }[] }> {
    return (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as never;
  }
});
