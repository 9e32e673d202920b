import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPLORER_CONTEXT } from '../../src/core/explorer/explorer';

// The explorer's ids live in package.json and in code; VS Code only warns at
// runtime when they drift, so check them here.
const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const source = readFileSync(path.join(ROOT, 'src', 'adapters', 'vscode', 'explorer', 'explorer.ts'), 'utf8');
const viewSource = readFileSync(path.join(ROOT, 'src', 'adapters', 'vscode', 'explorer', 'explorerView.ts'), 'utf8');

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

const declared = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
const menus = manifest.contributes.menus as Record<string, MenuItem[]>;

describe('package.json contributions of the Cloud Run explorer', () => {
  it('declares the devgem.explorer tree view in the Devgem container, under the id the code registers', () => {
    const view = manifest.contributes.views.devgem.find((v: { id: string }) => v.id === 'devgem.explorer');
    assert.ok(view, 'views.devgem has no devgem.explorer');
    assert.notEqual(view.type, 'webview');
    assert.match(viewSource, /EXPLORER_VIEW_ID = 'devgem\.explorer'/);
  });

  it('every menu item of every menu references a declared command', () => {
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu} references undeclared ${item.command}`);
    }
  });

  it('every declared devgem.explorer.* command is registered by the explorer, and each one it registers is declared', () => {
    const explorerCommands = [...declared].filter((c) => c.startsWith('devgem.explorer.'));
    assert.ok(explorerCommands.length >= 7, explorerCommands.join(', '));
    for (const c of explorerCommands) assert.ok(source.includes(`'${c}'`), `${c} is declared but not registered in explorer.ts`);
    for (const [, id] of source.matchAll(/'(devgem\.explorer\.[A-Za-z]+)'/g)) assert.ok(declared.has(id), `${id} is registered but not declared`);
  });

  it('every declared command id is registered somewhere in src (by literal or by an exported constant)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const all = files(path.join(ROOT, 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const registers = /registerCommand\(/.test(all);
    assert.ok(registers);
    for (const c of declared) assert.ok(all.includes(`'${c}'`), `${c} is declared in package.json but appears nowhere in src/`);
  });

  it('item menus of the explorer target the context values core gives its nodes', () => {
    const items = menus['view/item/context'].filter((i) => i.when?.includes('view == devgem.explorer'));
    const known: string[] = Object.values(EXPLORER_CONTEXT);
    for (const i of items) {
      const exact = /viewItem == ([\w.]+)/.exec(i.when!);
      const pattern = /viewItem =~ \/(.+)\//.exec(i.when!);
      assert.ok(exact || pattern, `${i.command}: ${i.when} names no viewItem`);
      const matches = exact ? known.filter((k) => k === exact[1]) : known.filter((k) => new RegExp(pattern![1]).test(k));
      assert.ok(matches.length > 0, `${i.command}: ${i.when} matches no node`);
    }
    const on = (ctx: string) =>
      items
        .filter((i) => (/viewItem == ([\w.]+)/.exec(i.when!)?.[1] ?? '') === ctx || new RegExp(/viewItem =~ \/(.+)\//.exec(i.when!)?.[1] ?? '^$').test(ctx))
        .map((i) => i.command);
    for (const c of ['openUrl', 'copyUrl', 'showLogs', 'deleteService'])
      assert.ok(on(EXPLORER_CONTEXT.service).includes(`devgem.explorer.${c}`), `service items lack ${c}`);
    for (const c of ['devgem.editEnvVars', 'devgem.importEnvFile']) assert.ok(on(EXPLORER_CONTEXT.service).includes(c), `service items lack ${c}`);
    assert.ok(on(EXPLORER_CONTEXT.revisionRollback).includes('devgem.explorer.rollBack'));
    assert.ok(!on(EXPLORER_CONTEXT.revision).includes('devgem.explorer.rollBack'), 'the serving or a failed revision offers no roll back');
  });

  it('the explorer title bar has Refresh and Change region, and item-only commands stay out of the palette', () => {
    const title = menus['view/title'].filter((i) => i.when === 'view == devgem.explorer').map((i) => i.command);
    assert.ok(title.includes('devgem.explorer.refresh') && title.includes('devgem.chooseRegion'), title.join(', '));
    const hidden = menus.commandPalette.filter((i) => i.when === 'false').map((i) => i.command);
    for (const c of ['openUrl', 'copyUrl', 'showLogs', 'rollBack', 'deleteService']) assert.ok(hidden.includes(`devgem.explorer.${c}`), c);
  });
});
