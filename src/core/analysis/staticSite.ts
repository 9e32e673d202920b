// Static sites served by nginx: a folder with index.html and no build, or a
// Cloud Foundry `Staticfile` (root:, pushstate:, directory:, gzip:, and basic
// auth from Staticfile.auth). The Dockerfile turns these into nginx settings.
import type { Detector } from './detector';
import { type DirView, lineAt } from './dirView';
import { hasManifest } from './manifests';
import { detectLoneNode } from './nodeLone';
import { fact, newApp } from './stackKit';
import type { AppAnalysis } from './types';

/** `key: value` lines of a Staticfile (a flat YAML map). */
function staticfileOptions(text: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const m of text.matchAll(/^([a-z_]+)\s*:\s*(.*?)\s*(?:#.*)?$/gm))
    out.set(m[1], { value: m[2].replace(/^["']|["']$/g, ''), line: lineAt(text, m.index) });
  return out;
}

const ON = /^(enabled|true|on|yes|visible)$/i;

async function detect(view: DirView): Promise<AppAnalysis | undefined> {
  const staticfile = await view.readText('Staticfile');
  if (staticfile === undefined && (!(await view.exists('index.html')) || (await hasManifest(view)) || (await detectLoneNode(view)))) return undefined;
  const opts = staticfileOptions(staticfile ?? '');
  const root = (opts.get('root')?.value ?? '').replace(/^\.?\/|\/$/g, '') || '.';
  const index = root === '.' ? 'index.html' : `${root}/index.html`;
  const origin = staticfile !== undefined ? view.rel('Staticfile') : view.rel('index.html');
  const app = newApp(view, 'static', fact('html', origin, staticfile !== undefined ? 'Staticfile (static site)' : 'index.html, no build'));
  app.framework = fact('nginx', origin, 'served as static files');
  app.start = fact(['nginx', '-g', 'daemon off;'], origin, `nginx serves ${root === '.' ? 'the folder' : `${root}/`}`);
  app.port = { port: 8080, source: 'config', honoursPortEnv: true, evidence: [{ file: origin, detail: 'the generated nginx config listens on $PORT' }] };
  app.hints.root = root;
  const on = (key: string) => ON.test(opts.get(key)?.value ?? '');
  if (on('pushstate')) app.hints.pushstate = true;
  if (on('directory')) app.hints.autoindex = true;
  if (/^(off|false|disabled)$/i.test(opts.get('gzip')?.value ?? '')) app.hints.gzip = false;
  if (await view.exists('Staticfile.auth')) {
    app.hints.basicAuth = 'Staticfile.auth';
    app.notes.push(
      'Staticfile.auth holds the users for basic auth: nginx asks for them on every page (its hashes must be htpasswd ones: bcrypt is not supported, apr1/SHA/crypt are).',
    );
  }
  for (const key of ['location_include', 'ssi', 'status_codes', 'http_strict_transport_security', 'force_https']) {
    const o = opts.get(key);
    if (o)
      app.notes.push(
        `Staticfile:${o.line} sets ${key}, which Devgem does not carry over (Cloud Run already serves HTTPS); edit the nginx config in the Dockerfile if it matters.`,
      );
  }
  if (staticfile !== undefined && !(await view.exists(index))) app.notes.push(`The Staticfile root is ${root}/ but it has no index.html.`);
  app.confidence = (await view.exists(index)) ? 'high' : 'medium';
  return app;
}

export const staticDetectors: Detector[] = [{ name: 'static', detect }];
