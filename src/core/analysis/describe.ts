import type { AppAnalysis, Evidence, Fact, WorkspaceAnalysis } from './types';

// Human-readable summaries of an analysis, for the deploy tracker and the CLI:
// one line that says what Devgem will deploy, then the evidence behind it.

export interface AppDescription {
  /** One line: what will be deployed and how (stack, runtime, port, start, confidence). */
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

function portText(app: AppAnalysis): string {
  const p = app.port;
  if (p.honoursPortEnv) return `port ${p.port} (reads $PORT)`;
  if (p.source === 'devgem-default') return `port ${p.port} (assumed)`;
  return `port ${p.port} (${p.source === 'code' ? 'hard-coded' : p.source})`;
}

export function describeApp(app: AppAnalysis): AppDescription {
  const label = app.path ? `${app.name} (${app.path})` : app.name;
  const runtime = [app.language.value, app.version?.value].filter(Boolean).join(' ');
  const parts = [
    app.dockerfile ? `own Dockerfile (${app.dockerfile})` : app.stack,
    runtime,
    app.framework?.value,
    app.packageManager?.value,
    portText(app),
    app.start ? `starts with \`${app.start.value.join(' ')}\`` : 'start command not found',
    `${app.confidence} confidence`,
  ].filter((p): p is string => !!p && p !== 'unknown');
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
  evidence.push(...app.notes.map((n) => `note: ${n}`));
  return { summary: `${label}: ${parts.join(', ')}`, evidence };
}

/** The whole analysis as plain text: the monorepo, then each app with its evidence indented. */
export function describeWorkspace(analysis: WorkspaceAnalysis): string {
  const out: string[] = [];
  if (analysis.unrecognised) {
    out.push(analysis.unrecognised.message);
    return out.join('\n') + '\n';
  }
  if (analysis.monorepo) {
    out.push(`Monorepo (${analysis.monorepo.value}): ${analysis.monorepo.evidence.map((e) => where(e)).join(', ')}`);
  }
  out.push(`${analysis.apps.length} deployable app${analysis.apps.length === 1 ? '' : 's'}, best first:`);
  analysis.apps.forEach((app, i) => {
    const d = describeApp(app);
    out.push(`${i + 1}. ${d.summary}`, ...d.evidence.map((e) => `     ${e}`));
  });
  return out.join('\n') + '\n';
}
