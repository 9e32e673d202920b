// A real VS Code (code-server) with the packaged .vsix: Developer: Reload Window
// while Cloud Build builds, and the deploy goes on in the new window to a URL that answers.
import * as assert from 'node:assert/strict';
import type { Emulator } from '../../emulator/src/server';
import { findWebviewFrame, openViewContainer, openWorkbench, runCommand, screenshot, SELECTORS } from './harness';
import { startE2ESession, type E2ESession } from './session';

interface EmuState {
  builds: { id: string; status: string }[];
}

describe('a deploy survives Developer: Reload Window (code-server)', function () {
  this.timeout(300_000);
  let session: E2ESession | undefined;
  let emu: Emulator;

  before(async () => {
    session = await startE2ESession({
      name: 'e2e-reload',
      // A window reload in code-server takes ~10 s: the build must outlast it.
      knobs: { buildSeconds: 30, deploySeconds: 0.3 },
      settings: { 'devgem.project': 'e2e-project', 'devgem.region': 'europe-west1' },
    });
    emu = session.emu;
  });

  after(async () => {
    // Keeps both windows' Devgem output channels as test-artifacts/e2e-reload-devgem-output.log.
    await session?.close();
  });

  async function emulatorState(): Promise<EmuState> {
    return (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as EmuState;
  }

  it('the tracker re-attaches to the running build after the reload and the same deploy ends with a URL that answers', async () => {
    const page = session!.page;
    await openWorkbench(page, session!.server.url, 'Devgem');
    await runCommand(page, 'Devgem: Deploy', { timeoutMs: 60_000 });
    // No Dockerfile in the sample: Devgem asks before writing the one it proposes.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Write and Deploy' }).click();
    await openViewContainer(page, 'Devgem');
    let view = await findWebviewFrame(page, 'Deploy', 60_000);
    await view.locator('#tracker li[data-stage="build"][data-status="running"]').waitFor({ timeout: 60_000 });
    const deployId = await view.locator('#tracker').getAttribute('data-deploy-id');
    assert.ok(deployId, 'the tracker names its deploy');

    // Reload only once Cloud Build really builds, so there is a build to go back to.
    const deadline = Date.now() + 30_000;
    let building: { id: string; status: string } | undefined;
    while (!(building = (await emulatorState()).builds.find((b) => b.status === 'WORKING'))) {
      assert.ok(Date.now() < deadline, 'the build never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    await screenshot(page, 'e2e-reload-before');

    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window', { timeoutMs: 30_000 });
    await reloaded;
    await page.locator(SELECTORS.workbench).first().waitFor({ state: 'visible', timeout: 90_000 });
    await openViewContainer(page, 'Devgem', 60_000);
    view = await findWebviewFrame(page, 'Deploy', 60_000);

    // The same deploy, its build still running in the new window.
    await view.locator(`#tracker[data-deploy-id="${deployId}"]`).waitFor({ timeout: 60_000 });
    const stillBuilding = (await emulatorState()).builds.find((b) => b.id === building!.id);
    await view.locator('#tracker li[data-stage="build"][data-status="running"]').waitFor({ timeout: 30_000 });
    assert.equal(stillBuilding?.status, 'WORKING', 'the reload came back before the build ended');
    await page.locator('.notification-toast', { hasText: 're-attached to the deploy of hello-node' }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'e2e-reload-reattached');

    const result = view.locator('#result');
    await result.waitFor({ state: 'visible', timeout: 120_000 });
    await screenshot(page, 'e2e-reload-finished');
    assert.equal(await result.getAttribute('data-outcome'), 'success', await result.innerText());
    assert.equal(await view.locator('#tracker').getAttribute('data-deploy-id'), deployId);
    for (const stage of ['build', 'deploy', 'expose', 'verify']) {
      assert.equal(await view.locator(`#tracker li[data-stage="${stage}"]`).getAttribute('data-status'), 'done', stage);
    }
    const url = (await view.locator('#service-url').innerText()).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Hello from Devgem/);
    assert.deepEqual(
      (await emulatorState()).builds.map((b) => [b.id, b.status]),
      [[building.id, 'SUCCESS']],
      'one build, never cancelled',
    );
  });
});
