import { describeNames } from './describeNames';
import type { AppAnalysis, Evidence, Fact, WorkspaceAnalysis } from './types';

// Human-readable summaries of an analysis, for the deploy tracker and the CLI:
// one line that says what Devgem will deploy in plain words ("Node.js 26
// (JavaScript, from engines.node ">=18": newest supported), npm, Express,
// starts with `node server.js`, listens on $PORT (server.js:12)"), then the
// evidence behind it, what the app needs and what will likely go wrong.

export interface AppDescription {
  /** One line: what will be deployed and how (runtime, package manager, framework, start, port). */
  summary: string;
  evidence: string[];
}

function where(e: Evidence): string {
  return e.line ? `${e.file}:${e.line}` : e.file;
}

function factLines(label: string, fact: Fact<unknown> | undefined): string[] {
  if (!fact) return [];
  const value = Array.isArray(fact.value) ? fact.value.join(' ') : String(fact.value);
  if (!fact.evidence.length) return [`${label} ${value}`];
  return fact.evidence.map((e) => `${label} ${value}: ${where(e)} (${e.detail})`);
}

/** Why this version, in a few words: "pinned in .nvmrc", "from engines.node ">=18": newest supported", "none pinned: the active LTS". */
function versionReason(app: AppAnalysis): string | undefined {
  const e = app.version?.evidence[0];
  if (!e) return undefined;
  if (/: pinned$/.test(e.detail)) return `pinned in ${where(e)}`;
  const none = /^no version in .*?: (.*)$/.exec(e.detail);
  if (none) return `none pinned: ${none[1]}`;
  return `from ${e.detail.replace(/, (the|newest) .*$/, '')}`;
}

function portText(app: AppAnalysis): string {
  const p = app.port;
  const at = p.evidence[0];
  const place = at && at.file ? ` (${where(at)})` : '';
  if (p.honoursPortEnv) return `listens on $PORT${place}`;
  if (p.source === 'devgem-default') return `port ${p.port} assumed`;
  if (p.source === 'dockerfile') return `listens on ${p.port}${place}`;
  if (p.source === 'framework-default') return `listens on ${p.port}, the ${app.framework ? describeNames.framework(app.framework.value) : 'default'} default`;
  return `listens on ${p.port}, not $PORT${place}`;
}

function startText(app: AppAnalysis): string {
  if (!app.start) return 'start command not found';
  const v = app.start.value;
  const line = v[0] === 'sh' && v[1] === '-c' ? v.slice(2).join(' ') : v.join(' ');
  const from = app.start.evidence[0];
  return `starts with \`${line}\`${from && /Procfile/.test(from.file) ? ` (${where(from)})` : ''}`;
}

export function describeApp(app: AppAnalysis): AppDescription {
  const label = app.path ? `${app.name} (${app.path})` : app.name;
  const runtime = describeNames.runtime(app);
  const qualifiers = [runtime.language, versionReason(app)].filter(Boolean);
  const framework = app.framework && describeNames.framework(app.framework.value, app.hints.spaMode === true);
  const parts = [
    app.dockerfile ? `own Dockerfile (${app.dockerfile})` : undefined,
    runtime.name && qualifiers.length ? `${runtime.name} (${qualifiers.join(', ')})` : runtime.name,
    app.packageManager && describeNames.packageManager(app.packageManager.value),
    framework && app.workspaceTool
      ? `${framework} in a ${describeNames.workspaceTool(app.workspaceTool)} workspace`
      : (framework ?? (app.workspaceTool ? `${describeNames.workspaceTool(app.workspaceTool)} workspace` : undefined)),
    typeof app.hints.assetBuild === 'string' ? `front-end assets built with \`${app.hints.assetBuild}\`` : undefined,
    startText(app),
    portText(app),
    app.confidence === 'high' ? undefined : `${app.confidence} confidence`,
  ].filter((p): p is string => !!p);
  const evidence = [
    ...factLines('language', app.language),
    ...factLines('version', app.version),
    ...factLines('package manager', app.packageManager),
    ...factLines('framework', app.framework),
    ...factLines('build', app.build),
    ...factLines('start', app.start),
    ...app.port.evidence.map((e) => `port ${app.port.port}: ${where(e)} (${e.detail})`),
  ];
  if (app.port.fix) evidence.push(`suggested fix ${app.port.fix.file}:${app.port.fix.line}: ${app.port.fix.after.trim()} (${app.port.fix.explanation})`);
  if (app.context !== app.path) evidence.push(`build context: ${app.context || 'the workspace root'}`);
  for (const n of app.needs ?? [])
    evidence.push(`needs ${n.name}${n.secret ? ' (a secret)' : ''}: read with no default at ${n.evidence.map(where).join(', ')}`);
  for (const w of app.warnings ?? []) evidence.push(`${w.blocking ? 'stop' : 'warning'}: ${w.message}${w.fix ? ` Change: ${w.fix}` : ''}`);
  evidence.push(...app.notes.map((n) => `note: ${n}`));
  return { summary: `${label}: ${parts.join(', ')}`, evidence };
}

/** A few words for a picker: "Node.js 26 (JavaScript) · Express", "Bun 1.1 (TypeScript) · Hono", "own Dockerfile". */
export function describeAppShort(app: AppAnalysis): string {
  const runtime = describeNames.runtime(app);
  const framework = app.framework && describeNames.framework(app.framework.value, app.hints.spaMode === true);
  const parts = [
    app.dockerfile ? `own ${app.dockerfile}` : undefined,
    runtime.name && runtime.language ? `${runtime.name} (${runtime.language})` : runtime.name,
    framework,
  ];
  return parts.filter((p): p is string => !!p).join(' · ');
}

/** The whole analysis as plain text: the monorepo, then each app with its evidence indented. */
export function describeWorkspace(analysis: WorkspaceAnalysis): string {
  const out: string[] = [];
  if (analysis.unrecognised) {
    out.push(analysis.unrecognised.message, analysis.unrecognised.advice);
    return out.join('\n') + '\n';
  }
  if (analysis.monorepo) {
    out.push(`Monorepo (${describeNames.workspaceTool(analysis.monorepo.value)}): ${analysis.monorepo.evidence.map((e) => where(e)).join(', ')}`);
  }
  out.push(`${analysis.apps.length} deployable app${analysis.apps.length === 1 ? '' : 's'}, best first:`);
  analysis.apps.forEach((app, i) => {
    const d = describeApp(app);
    out.push(`${i + 1}. ${d.summary}`, ...d.evidence.map((e) => `     ${e}`));
  });
  return out.join('\n') + '\n';
}
