// "Devgem: Run Locally" in a real VS Code (code-server with the packaged .vsix)
// on the sample, with the private Docker daemon passed to the extension host as
// DOCKER_HOST: the notification shows the local URL, the test fetches it, and
// "Devgem: Stop Local Run" removes the container. Skipped, with the reason,
// where there is no daemon.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, runCommand, screenshot } from './harness';
import { startE2ESession, waitUntil, type E2ESession } from './session';
import { DOCKER_HOST, dockerSkipReason } from '../support/docker';

describe('Devgem: Run Locally in a real VS Code (code-server, real Docker daemon)', function () {
  this.timeout(15 * 60_000);
  let s: E2ESession | undefined;

  before(async function () {
    const reason = dockerSkipReason();
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    s = await startE2ESession({
      name: 'e2e-run-locally',
      env: { DOCKER_HOST },
      settings: { 'devgem.project': 'e2e-project', 'devgem.region': 'europe-west1', 'devgem.ai.provider': 'off' },
    });
    await openWorkbench(s.page, s.server.url, 'Devgem');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) await screenshot(s.page, 'e2e-run-locally-failed').catch(() => undefined);
  });

  after(async () => {
    await s?.close();
  });

  it('builds and runs the sample, shows its local URL, which answers; Stop removes it', async () => {
    const page = s!.page;
    await runCommand(page, 'Devgem: Run Locally');
    const toast = page.locator('.notifications-toasts').getByText(/running locally at http:\/\/127\.0\.0\.1:\d+\//);
    await toast.first().waitFor({ timeout: 10 * 60_000 });
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(await toast.first().innerText())![0];
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Hello from Devgem/);
    // The workspace is untouched: the generated Dockerfile lives in a temp build context only.
    assert.equal(existsSync(path.join(s!.workspace, 'Dockerfile')), false);
    await runCommand(page, 'Devgem: Stop Local Run');
    await waitUntil('the local URL to stop answering', 60_000, async () => {
      const r = await fetch(url, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
      return r === undefined;
    });
  });
});
