// A real VS Code (code-server) with the packaged .vsix: Developer: Reload Window
// while Cloud Build builds, and the deploy goes on in the new window to a URL that answers.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/src/server';
import { launchChromium, type LaunchedChromium } from '../../scripts/browser';
import { installExtension, startCodeServer, type CodeServerHandle } from '../../scripts/codeServer';
import { findWebviewFrame, openViewContainer, openWorkbench, runCommand, screenshot, SELECTORS } from './harness';

const REPO = path.resolve(__dirname, '../../..');
const VSIX = path.join(REPO, 'dist', 'devgem.vsix');
const SAMPLE = path.join(REPO, 'samples', 'hello-node');

async function copyDevgemLogs(dir: string, to: string): Promise<void> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const logs = entries.filter((e) => e.isFile() && /Devgem\.log$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
  if (!logs.length) return;
  await fs.mkdir(to, { recursive: true });
  const text = await Promise.all(logs.map(async (f) => `=== ${path.relative(dir, f)}\n${await fs.readFile(f, 'utf8')}`));
  await fs.writeFile(path.join(to, 'e2e-reload-devgem-output.log'), text.join('\n'));
}

interface EmuState {
  builds: { id: string; status: string }[];
}

describe('a deploy survives Developer: Reload Window (code-server)', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let dataDir: string;
  let server: CodeServerHandle | undefined;
  let browser: LaunchedChromium | undefined;

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run "npm run package" first`);
    // A window reload in code-server takes ~10 s: the build must outlast it.
    emu = await startEmulator({ knobs: { buildSeconds: 30, deploySeconds: 0.3 } });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-e2e-reload-'));
    const workspace = path.join(dataDir, 'hello-node');
    await fs.cp(SAMPLE, workspace, { recursive: true });
    await installExtension({ vsixPath: VSIX, dataDir });
    server = await startCodeServer({
      dataDir,
      folder: workspace,
      env: { DEVGEM_EMULATOR_HOST: emu.host },
      settings: { 'devgem.project': 'e2e-project', 'devgem.region': 'europe-west1' },
    });
    browser = await launchChromium({ artifactsDir: path.join(REPO, 'test-artifacts') });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    // Keep the extension's own log (both windows' Devgem output channels) as a test artifact.
    if (dataDir) await copyDevgemLogs(path.join(dataDir, 'ud', 'logs'), path.join(REPO, 'test-artifacts'));
    await emu?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function emulatorState(): Promise<EmuState> {
    return (await (await fetch(`${emu.baseUrl}/__emulator/state`)).json()) as EmuState;
  }

  it('the tracker re-attaches to the running build after the reload and the same deploy ends with a URL that answers', async () => {
    const page = browser!.page;
    await openWorkbench(page, server!.url, 'Devgem');
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
    assert.deepEqual((await emulatorState()).builds.map((b) => [b.id, b.status]), [[building.id, 'SUCCESS']], 'one build, never cancelled');
  });
});
