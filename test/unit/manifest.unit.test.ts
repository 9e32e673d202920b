// What the Marketplace and VS Code read from package.json: a publishable manifest
// (icon, categories, no placeholder links), declared capabilities, grouped settings,
// every string localisable, and the host's messages through vscode.l10n.t.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, nlsStrings, rawManifest, type SettingSection } from '../support/manifest';

const pkg = rawManifest() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

describe('package.json for the Marketplace', () => {
  it('has a 128×128 PNG icon, a preview flag, AI and Chat categories, keywords and a CHANGELOG', () => {
    assert.equal(pkg.icon, 'media/icon.png');
    const png = readFileSync(path.join(ROOT, pkg.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
    assert.equal(pkg.preview, true);
    for (const c of ['AI', 'Chat']) assert.ok(pkg.categories.includes(c), c);
    assert.ok(pkg.keywords.length >= 3 && pkg.keywords.length <= 30, 'the Marketplace takes at most 30 keywords');
    assert.ok(existsSync(path.join(ROOT, 'CHANGELOG.md')));
    assert.match(read('CHANGELOG.md'), new RegExp(`## ${pkg.version.replace(/\./g, '\\.')}\\b`), 'the CHANGELOG names this version');
    for (const f of ['!CHANGELOG.md', '!package.nls.json', '!l10n/**', '!media/**'])
      assert.ok(read('.vscodeignore').split('\n').includes(f), `.vscodeignore keeps ${f}`);
  });

  it('links nowhere that does not exist: no placeholder URL anywhere in the manifest', () => {
    const text = read('package.json') + read('package.nls.json');
    assert.doesNotMatch(text, /example\.(invalid|com|org)|localhost|TODO|your-?(org|name)/i);
    for (const k of ['repository', 'bugs', 'homepage'] as const) {
      const v = pkg[k];
      if (v === undefined) continue;
      const url = typeof v === 'string' ? v : v.url;
      assert.match(url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+/, `${k} is a real repository address`);
    }
  });

  it('declares no virtual-workspace support and limited Restricted Mode support, naming what stays off', () => {
    const caps = pkg.capabilities;
    assert.equal(caps.virtualWorkspaces === false || caps.virtualWorkspaces.supported === false, true);
    const untrusted = caps.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(nlsStrings()[untrusted.description.slice(1, -1)]?.match(/explorer/i), 'the description says what works untrusted');
    const settings = Object.assign({}, ...(pkg.contributes.configuration as SettingSection[]).map((s) => s.properties));
    for (const k of ['devgem.project', 'devgem.region', 'devgem.ai.vertexProject', 'devgem.reviewGeneratedDockerfile', 'devgem.sourceBucket'])
      assert.ok(untrusted.restrictedConfigurations.includes(k), `${k} is restricted`);
    for (const k of untrusted.restrictedConfigurations) assert.ok(settings[k], `${k} is a contributed setting`);
  });

  it('shows the mutating commands only in a trusted workspace, and the deploy runner refuses untrusted', () => {
    const mutating = [
      'devgem.deploy',
      'devgem.deployGitHubRepo',
      'devgem.explorer.rollBack',
      'devgem.explorer.deleteService',
      'devgem.editEnvVars',
      'devgem.importEnvFile',
    ];
    const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;
    for (const [where, items] of Object.entries(menus))
      for (const m of items) if (mutating.includes(m.command) && m.when !== 'false') assert.match(m.when ?? '', /isWorkspaceTrusted/, `${where}: ${m.command}`);
    for (const c of mutating)
      assert.ok(
        menus.commandPalette.some((m) => m.command === c && /isWorkspaceTrusted|^false$/.test(m.when ?? '')),
        `${c} is hidden from the palette when untrusted`,
      );
    assert.match(read('src/adapters/vscode/deploy/deployRunner.ts'), /workspace\.isTrusted === false/);
  });

  it('groups the settings into titled, ordered sections, each setting ordered, with Markdown descriptions', () => {
    const sections = pkg.contributes.configuration as SettingSection[];
    assert.ok(Array.isArray(sections) && sections.length >= 4, 'several sections');
    assert.deepEqual(
      sections.map((s) => s.order),
      sections.map((_, i) => i + 1),
    );
    for (const s of sections) {
      assert.ok(s.title, 'titled');
      const orders = Object.values(s.properties).map((p) => p.order);
      assert.deepEqual(
        orders,
        orders.map((_, i) => i + 1),
        `${s.title}: every setting has its order`,
      );
      for (const [k, p] of Object.entries(s.properties)) {
        assert.ok(p.markdownDescription && !p.description, `${k}: markdownDescription`);
        assert.ok(!p.enumDescriptions, `${k}: markdownEnumDescriptions, not enumDescriptions`);
        if (p.enum) assert.equal((p.markdownEnumDescriptions as string[]).length, (p.enum as string[]).length, k);
      }
    }
  });

  it('does not show the test-only emulator host as a setting', () => {
    const keys = (pkg.contributes.configuration as SettingSection[]).flatMap((s) => Object.keys(s.properties));
    assert.ok(!keys.some((k) => /emulator/i.test(k)), keys.join(', '));
    assert.doesNotMatch(read('src/adapters/vscode/settings.ts'), /get<string>\('emulatorHost'\)/);
  });

  it('puts every user-visible manifest string in package.nls.json, and every %key% resolves', () => {
    const nls = nlsStrings();
    const used = new Set<string>();
    const visit = (v: unknown, where: string): void => {
      if (typeof v === 'string') {
        const m = /^%([^%]+)%$/.exec(v);
        if (m) {
          assert.ok(m[1] in nls, `${where}: %${m[1]}% is not in package.nls.json`);
          used.add(m[1]);
        }
      } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, `${where}.${k}`);
    };
    visit(pkg, 'package.json');
    for (const k of Object.keys(nls)) assert.ok(used.has(k), `package.nls.json has the unused key ${k}`);
    const literal = (v: unknown) => typeof v === 'string' && !/^%[^%]+%$/.test(v);
    for (const f of ['displayName', 'description']) assert.ok(!literal(pkg[f]), f);
    const c = pkg.contributes;
    for (const x of c.commands) assert.ok(!literal(x.title) && !literal(x.category), x.command);
    for (const v of c.views.devgem) assert.ok(!literal(v.name) && !literal(v.contextualTitle), v.id);
    for (const s of c.configuration as SettingSection[]) {
      assert.ok(!literal(s.title), s.title);
      for (const [k, p] of Object.entries(s.properties)) {
        for (const f of ['markdownDescription', 'patternErrorMessage']) if (p[f] !== undefined) assert.ok(!literal(p[f]), `${k}.${f}`);
        for (const d of (p.markdownEnumDescriptions as string[] | undefined) ?? []) assert.ok(!literal(d), `${k} enum`);
      }
    }
    for (const w of c.walkthroughs) for (const s of [w, ...w.steps]) assert.ok(!literal(s.title) && !literal(s.description), s.id);
  });
});

describe('the host speaks through vscode.l10n', () => {
  const files = ['src/adapters/vscode/deploy/deployRunner.ts', 'src/adapters/vscode/deploy/statusBar.ts', 'src/adapters/vscode/commands.ts'];

  it('passes every notification, progress title and status bar text of the main files through vscode.l10n.t', () => {
    for (const f of files) {
      const text = read(f);
      // A message call or a status bar text whose first argument is a string literal is not localised
      // (a template that starts with a value, e.g. an error's own message, is let through).
      const bare = [
        ...text.matchAll(/(show(?:Information|Warning|Error)Message\(\s*|item\.(?:text|tooltip|name) = |title: )(['"]|`(?!(?:\$\([\w~-]+\) )?\$\{))/g),
      ].map((m) => m[0]);
      assert.deepEqual(bare, [], `${f} has messages outside vscode.l10n.t`);
      assert.match(text, /vscode\.l10n\.t\(/, f);
    }
  });

  it('has an up-to-date l10n/bundle.l10n.json that package.json points to', async () => {
    assert.equal(pkg.l10n, './l10n');
    const { collectMessages } = (await import(path.join(ROOT, 'scripts', 'l10n-bundle.mjs'))) as { collectMessages(): Record<string, string> };
    const bundle = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>;
    assert.deepEqual(bundle, collectMessages(), 'run `node scripts/l10n-bundle.mjs`');
    assert.ok(bundle['Deploy cancelled.'], 'the bundle holds the deploy notifications');
  });
});
