// "Open in Cloud Console" (services, revisions, builds), the folder menu's
// "Deploy to Cloud Run" and the explorer's welcome views: the URLs built (never
// opened here) and what package.json declares for them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { localizedManifest } from '../support/manifest';
import * as path from 'node:path';
import { cloudConsoleUrl } from '../../src/core/explorer/consoleUrls';
import { EXPLORER_CONTEXT, nodeConsoleUrl, type ExplorerNode } from '../../src/core/explorer/explorer';

const ROOT = path.join(__dirname, '../../..');
// As VS Code shows it: package.nls.json's strings in place of the %key% placeholders.
const manifest = localizedManifest<{
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
  };
}>();
const ref = { project: 'demo-project', region: 'europe-west1', service: 'api' };

describe('Open in Cloud Console', () => {
  it('builds the console pages of a service, a revision and a build', () => {
    assert.equal(cloudConsoleUrl({ kind: 'service', ref }), 'https://console.cloud.google.com/run/detail/europe-west1/api/metrics?project=demo-project');
    assert.equal(
      cloudConsoleUrl({ kind: 'revision', ref, revision: 'api-00002-def' }),
      'https://console.cloud.google.com/run/detail/europe-west1/api/revisions?project=demo-project',
    );
    assert.equal(
      cloudConsoleUrl({ kind: 'build', project: 'demo-project', region: 'europe-west1', buildId: '1f2e3d4c-aaaa' }),
      'https://console.cloud.google.com/cloud-build/builds;region=europe-west1/1f2e3d4c-aaaa?project=demo-project',
    );
    assert.equal(
      cloudConsoleUrl({ kind: 'build', project: 'demo-project', region: 'global', buildId: 'b1' }),
      'https://console.cloud.google.com/cloud-build/builds/b1?project=demo-project',
    );
  });

  it('escapes every part, so a name cannot change where the link goes', () => {
    const url = cloudConsoleUrl({ kind: 'service', ref: { project: 'p&x=1', region: '../evil', service: 'a/b?c' } });
    assert.equal(new URL(url).host, 'console.cloud.google.com');
    assert.equal(url, 'https://console.cloud.google.com/run/detail/..%2Fevil/a%2Fb%3Fc/metrics?project=p%26x%3D1');
  });

  it("an explorer node's link: the service page for a service, the Revisions tab for a revision", () => {
    const base: ExplorerNode = { id: 's', kind: 'service', label: 'api', icon: 'cloud', expandable: true, ...ref };
    assert.match(nodeConsoleUrl(base), /\/run\/detail\/europe-west1\/api\/metrics\?project=demo-project$/);
    assert.match(nodeConsoleUrl({ ...base, kind: 'revision', revision: 'api-1' }), /\/api\/revisions\?project=demo-project$/);
    assert.throws(() => nodeConsoleUrl({ id: 'r', kind: 'region', label: 'x', icon: 'globe', expandable: true }), /not a Cloud Run service/);
  });

  it('is on the context menu of services and revisions, out of the palette, and builds have their own command', () => {
    const items = manifest.contributes.menus['view/item/context'].filter((i) => i.command === 'devgem.explorer.openInConsole');
    const matches = (ctx: string) =>
      items.some((i) => i.when?.includes(`viewItem == ${ctx}`) || new RegExp(/viewItem =~ \/(.+)\//.exec(i.when ?? '')?.[1] ?? '^$').test(ctx));
    for (const ctx of Object.values(EXPLORER_CONTEXT)) assert.ok(matches(ctx), ctx);
    assert.ok(manifest.contributes.menus.commandPalette.some((i) => i.command === 'devgem.explorer.openInConsole' && i.when === 'false'));
    const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.title]));
    assert.equal(titles['devgem.explorer.openInConsole'], 'Open in Cloud Console');
    assert.match(titles['devgem.openBuildInConsole'] ?? '', /Cloud Console/);
    const src = readFileSync(path.join(ROOT, 'src/adapters/vscode/deploy/pastBuildLog.ts'), 'utf8');
    assert.match(src, /OPEN_BUILD_IN_CONSOLE_COMMAND = 'devgem\.openBuildInConsole'/);
  });
});

describe('the folder menu and the welcome views (package.json)', () => {
  it('offers "Deploy to Cloud Run" on folders of the Explorer only, not in the palette', () => {
    const entries = manifest.contributes.menus['explorer/context'] ?? [];
    const deploy = entries.find((i) => i.command === 'devgem.deployFolder');
    assert.ok(deploy, 'explorer/context has devgem.deployFolder');
    assert.match(deploy.when ?? '', /(^|&& )explorerResourceIsFolder( &&|$)/);
    assert.equal(manifest.contributes.commands.find((c) => c.command === 'devgem.deployFolder')?.title, 'Deploy to Cloud Run');
    assert.ok(manifest.contributes.menus.commandPalette.some((i) => i.command === 'devgem.deployFolder' && i.when === 'false'));
  });

  it('the Cloud Run view welcomes a window with no folder and one not signed in, each with its action', () => {
    const welcome = manifest.contributes.viewsWelcome ?? [];
    const noFolder = welcome.find((w) => w.view === 'devgem.explorer' && w.when === 'workspaceFolderCount == 0');
    const signedOut = welcome.find((w) => w.view === 'devgem.explorer' && /!devgem\.signedIn/.test(w.when ?? ''));
    assert.ok(noFolder && signedOut, JSON.stringify(welcome));
    assert.match(noFolder.contents, /\(command:workbench\.action\.files\.openFolder\)/);
    assert.match(signedOut.contents, /\(command:devgem\.signIn\)/);
    // Credentials Devgem cannot see (a metadata server's) must not hide the services for good.
    assert.match(signedOut.contents, /\(command:devgem\.explorer\.refresh\)/);
    assert.match(signedOut.when ?? '', /workspaceFolderCount > 0/, 'one message at a time');
  });
});
