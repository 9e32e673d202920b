// package.json as VS Code shows it: every %key% replaced by its package.nls.json string, and the
// grouped settings (contributes.configuration is an array of titled sections) also merged into one map.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface SettingSection {
  title: string;
  order?: number;
  properties: Record<string, Record<string, unknown>>;
}

/** The raw package.json (placeholders unresolved). */
export function rawManifest(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
}

export function nlsStrings(): Record<string, string> {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** The manifest with its strings localised, as VS Code reads it. */
export function localizedManifest<T>(): T {
  const nls = nlsStrings();
  const resolve = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^%([^%]+)%$/.exec(v);
      return m && m[1] in nls ? nls[m[1]] : v;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  return resolve(rawManifest()) as T;
}

/** Every contributed setting, from all sections. */
export function allSettings(configuration: SettingSection[] | SettingSection): Record<string, Record<string, unknown>> {
  return Object.assign({}, ...(Array.isArray(configuration) ? configuration : [configuration]).map((s) => s.properties));
}

/** vscode.l10n as the stand-ins use it: the message with {0}… filled in. */
export const l10nStub = {
  t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)),
};
