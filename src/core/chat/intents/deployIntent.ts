// "deploy this to europe-west1 as api", "deploy the folder services/api
// privately": a deploy of the open workspace, or of GitHub when it names one.
import * as path from 'node:path';
import { invalid, type ChatIntent } from './chatIntent';
import { parseGitHubDeploy } from './gitHubIntent';
import { KNOWN_REGION, REGION, tokenize } from './requestWords';
import { validateServiceName } from '../../deploy/target';

const DEPLOY_FILLER = new Set([
  'this',
  'it',
  'the',
  'a',
  'an',
  'my',
  'our',
  'app',
  'application',
  'project',
  'code',
  'workspace',
  'repo',
  'repository',
  'site',
  'website',
  'again',
  'now',
  'here',
  'current',
  'whole',
  'entire',
  'latest',
  'new',
  'changes',
  'version',
  'thing',
  'and',
  'then',
  'me',
  'us',
  'service',
  'make',
  'allow',
  'folder',
  'directory',
  'dir',
  'from',
  'to',
  'in',
  'into',
  'on',
  'at',
  'up',
  'production',
  'prod',
  'live',
]);
/** Stack words in "deploy my Flask API", "deploy our Next.js app": they describe the workspace, they do not name anything. */
const STACK = String.raw`(?:flask|django|fastapi|express|fastify|koa|hono|nest(?:js)?|next(?:\.?js)?|nuxt|remix|svelte(?:kit)?|astro|react|vue|angular|node(?:\.?js)?|python|go|golang|rust|java|spring(?:\s+boot)?|kotlin|ruby|rails|sinatra|php|laravel|dotnet|\.net|deno|bun|static|streamlit|gradio|rest|web|http|little|small|simple)`;
/** "my Flask API", "our web server", "the FastAPI backend": the workspace's app, said in words. */
const DESCRIBED_APP = new RegExp(
  String.raw`\b(?:(?:my|our|this)\s+(?:${STACK}\s+)*|the\s+(?:${STACK}\s+)+)(?:api|server|backend|frontend|bot|service|app|site|webapp|web\s+app)\b(?!\s+(?:folder|directory|dir)\b)`,
  'gi',
);
const PUBLIC_WORDS = new Set(['public', 'publicly', 'unauthenticated', '--allow-unauthenticated']);
const PRIVATE_WORDS = new Set(['private', 'privately', 'authenticated', '--no-allow-unauthenticated']);
const DEPLOY_KEYWORDS = new Set(['as', 'named', 'called', 'name', 'with', 'region', ...PUBLIC_WORDS, ...PRIVATE_WORDS]);
const DEPLOY_HINT = 'Name a folder with "deploy the folder services/api", a service with "deploy this as api", a region with "deploy to europe-west1".';

export function parseDeploy(rest: string): ChatIntent {
  const gitHub = parseGitHubDeploy(rest);
  if (gitHub) return gitHub;
  // Quoted text is a name or a folder ("my app"): only the words outside quotes are read as a description.
  const described = rest.split(/("[^"]*"|'[^']*')/).map((part, i) => (i % 2 ? part : part.replace(DESCRIBED_APP, ' ')));
  const words = tokenize(described.join(''));
  const out: { region?: string; service?: string; appPath?: string | null; public?: boolean } = {};
  const unknown: string[] = [];
  const lower = (i: number) => words[i]?.toLowerCase();
  // A value after "folder"/"as"/... unless the next word is itself a keyword.
  const valueAt = (i: number) => (words[i] !== undefined && !DEPLOY_FILLER.has(lower(i)!) && !DEPLOY_KEYWORDS.has(lower(i)!) ? words[i] : undefined);
  const once = <K extends keyof typeof out>(key: K, value: (typeof out)[K], what: string): string | undefined => {
    if (out[key] !== undefined && out[key] !== value) return `You gave two ${what}; give one.`;
    out[key] = value;
    return undefined;
  };
  for (let i = 0; i < words.length; i++) {
    const w = lower(i)!;
    let problem: string | undefined;
    if (['to', 'in', 'into', 'on', 'at'].includes(w) && lower(i + 1) === 'cloud' && lower(i + 2) === 'run') {
      i += 2;
    } else if (['to', 'in', 'into'].includes(w) && words[i + 1] !== undefined && /^[a-z]+-[a-z]+\d*$/i.test(words[i + 1])) {
      problem = region(words[++i]);
    } else if (w === 'region') {
      if (words[i + 1] === undefined) return invalid('Say which region, e.g. "deploy to europe-west1".');
      problem = region(words[++i]);
    } else if (['as', 'named', 'called', 'name'].includes(w) || (w === 'with' && lower(i + 1) === 'name')) {
      if (w === 'with') i++;
      while (['a', 'an', 'the'].includes(lower(i + 1) ?? '')) i++;
      const next = lower(i + 1);
      if (next !== undefined && (PUBLIC_WORDS.has(next) || PRIVATE_WORDS.has(next))) continue; // "as a private service"
      if (next === 'service') i++;
      const name = valueAt(i + 1);
      if (name === undefined) return invalid(`Say the service name after "${w}", e.g. "deploy this as api".`);
      i++;
      const bad = validateServiceName(name);
      if (bad) return invalid(`Invalid Cloud Run service name: ${bad}`);
      problem = once('service', name, 'service names');
    } else if (['folder', 'directory', 'dir', 'from', 'path'].includes(w) && valueAt(i + 1) !== undefined) {
      problem = appPath(words[++i]);
    } else if (PUBLIC_WORDS.has(w) || PRIVATE_WORDS.has(w)) {
      problem = once('public', PUBLIC_WORDS.has(w), 'visibilities (public and private)');
    } else if (/[/\\]/.test(w) || w.startsWith('.')) {
      problem = appPath(words[i]);
    } else if (KNOWN_REGION.test(w)) {
      problem = region(words[i]);
    } else if (['folder', 'directory', 'dir'].includes(lower(i + 1) ?? '') && !DEPLOY_FILLER.has(w) && !DEPLOY_KEYWORDS.has(w)) {
      problem = appPath(words[i++]); // "deploy the api folder"
    } else if (!DEPLOY_FILLER.has(w)) {
      unknown.push(words[i]);
    }
    if (problem) return invalid(problem);
  }
  // "deploy api": one word that can only be the service's name.
  if (unknown.length === 1 && out.service === undefined && !validateServiceName(unknown[0]) && /^[a-z]/.test(unknown[0])) {
    out.service = unknown.pop();
  }
  if (unknown.length) return invalid(`I did not understand "${unknown.join(' ')}" in that deploy request. ${DEPLOY_HINT}`);
  const intent: ChatIntent = { kind: 'deploy' };
  if (out.region !== undefined) intent.region = out.region;
  if (out.service !== undefined) intent.service = out.service;
  if (typeof out.appPath === 'string') intent.appPath = out.appPath;
  if (out.public !== undefined) intent.public = out.public;
  return intent;

  function region(raw: string): string | undefined {
    const r = raw.toLowerCase();
    if (!REGION.test(r)) return `"${raw}" is not a Cloud Run region; use one such as us-central1 or europe-west1.`;
    return once('region', r, 'regions');
  }
  function appPath(raw: string): string | undefined {
    const p = raw.replace(/\\/g, '/');
    if (p.startsWith('/') || p.startsWith('~') || /^[a-z]:/i.test(p))
      return `"${raw}" is an absolute path; give the folder relative to the workspace, e.g. "deploy the folder services/api".`;
    const n = path.posix.normalize(p).replace(/\/+$/, '');
    if (n === '..' || n.startsWith('../')) return `"${raw}" is outside the workspace; give a folder inside it, e.g. "deploy the folder services/api".`;
    // "." is the workspace root, which is the default: null marks "said, nothing to set".
    return once('appPath', n === '.' || n === '' ? null : n, 'folders');
  }
}
