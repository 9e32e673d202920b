// A folder whose only recognisable file is a Procfile: its web command runs on
// the image of the language the command names (ruby, php, node, deno), or on
// plain Debian when it names none. Python and Node commands are their own
// detectors' (those run without a manifest too).
import type { Detector } from './detector';
import type { DirView } from './dirView';
import { hasManifest } from './manifests';
import { buildpackOnly, passesPort, readProcfileWeb } from './procfile';
import { PYTHON_PROGRAMS } from './pythonProcfile';
import { RUNTIMES, type RuntimeId } from './runtimes';
import { newApp } from './stackKit';
import type { AppAnalysis, Language } from './types';

const RUNTIME_OF: [RegExp, RuntimeId, Language][] = [
  [/^(ruby|bundle|rackup|puma|rails|irb)$/, 'ruby', 'ruby'],
  [/^php$/, 'php', 'php'],
  [/^(node|npm|npx|yarn|pnpm)$/, 'node', 'javascript'],
  [/^deno$/, 'deno', 'typescript'],
];

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const web = await readProcfileWeb(view);
  if (!web || PYTHON_PROGRAMS.test(web.program) || (await hasManifest(view))) return undefined;
  const known = RUNTIME_OF.find(([re]) => re.test(web.program));
  const app = newApp(view, 'procfile', { value: known?.[2] ?? 'unknown', evidence: [{ ...web.evidence, detail: `only a Procfile, running ${web.program}` }] });
  app.start = { value: web.start, evidence: [web.evidence] };
  if (web.env.length) app.hints.startEnv = web.env;
  if (passesPort(web.command))
    app.port = { port: 8080, source: 'config', honoursPortEnv: true, evidence: [{ ...web.evidence, detail: 'the Procfile command passes $PORT' }] };
  if (known) {
    const rt = RUNTIMES[known[1]];
    app.hints.baseImage = known[1] === 'php' ? `php:${rt.preferred}-cli` : rt.image(rt.preferred);
    app.version = { value: rt.preferred, evidence: [{ ...web.evidence, detail: `${web.program} needs ${rt.name}: ${rt.why}` }] };
    app.notes.push(`Only a Procfile was recognised: the image runs its web command on ${String(app.hints.baseImage)} and installs no dependencies.`);
  } else {
    app.notes.push(
      `Only a Procfile was recognised and \`${web.program}\` names no language Devgem knows: the image runs it on debian:bookworm-slim, which has no language runtime. Add a Dockerfile if it needs one.`,
    );
  }
  if (buildpackOnly(web.command)) app.notes.push("The Procfile runs a buildpack's own launcher, which no image here has; add a Dockerfile.");
  app.confidence = known ? 'medium' : 'low';
  return app;
}

export const procfileDetectors: Detector[] = [{ name: 'procfile', detect }];
