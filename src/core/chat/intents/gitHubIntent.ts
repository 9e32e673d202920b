// "deploy github.com/owner/repo at v1.2", "deploy owner/repo@main from github":
// the offline chat's GitHub deploy request. deployIntent.ts calls it before
// reading a workspace deploy.
import { invalid, type ChatIntent } from './chatIntent';
import { KNOWN_REGION, REGION, tokenize } from './requestWords';
import { parseRepoName } from '../../github/gitHubPort';
import { validateServiceName } from '../../deploy/target';

const GITHUB_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\//i;
/** owner/name, optionally @ref, when the request says "github" elsewhere ("services/api" alone is a folder). */
const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+(?:@\S+)?$/;
/** Git's ref rules, loosely: no spaces or the characters git refuses, not starting with "-". */
const REF = /^(?!-)[^\s~^:?*[\\]{1,255}$/;
const FILLER = new Set([
  'the',
  'a',
  'an',
  'my',
  'our',
  'this',
  'repo',
  'repository',
  'from',
  'on',
  'github',
  'github.com',
  'project',
  'app',
  'code',
  'please',
  'cloud',
  'run',
]);
const HINT = 'Say e.g. "deploy github.com/owner/name", "deploy github.com/owner/name at v1.2" or "deploy owner/name@main from github".';

type GitHubIntent = Extract<ChatIntent, { kind: 'deploy-github' }>;

/** The request after the deploy verb; undefined when it is not about GitHub. */
export function parseGitHubDeploy(rest: string): ChatIntent | undefined {
  const words = tokenize(rest);
  const saysGitHub = words.some((w) => /^github(?:\.com)?$/i.test(w));
  if (!saysGitHub && !words.some((w) => GITHUB_URL.test(w))) return undefined;
  const out: Partial<GitHubIntent> = {};
  const unknown: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    const next = words[i + 1];
    let problem: string | undefined;
    if (GITHUB_URL.test(w) || (saysGitHub && OWNER_NAME.test(w))) {
      problem = repository(w);
    } else if (['at', 'ref', 'branch', 'tag', 'commit'].includes(lower) && next === undefined) {
      return invalid(`Say the branch, tag or commit after "${w}", e.g. "at v1.2".`);
    } else if (['at', 'ref', 'branch', 'tag', 'commit'].includes(lower) && !FILLER.has(next.toLowerCase())) {
      problem = ref(next);
      i++;
    } else if (['as', 'named', 'called'].includes(lower) && next !== undefined) {
      const bad = validateServiceName(next);
      if (bad) return invalid(`Invalid Cloud Run service name: ${bad}`);
      out.service = next;
      i++;
    } else if (['to', 'in', 'into'].includes(lower) && next !== undefined && /^[a-z]+-[a-z]+\d*$/i.test(next)) {
      problem = region(next);
      i++;
    } else if (KNOWN_REGION.test(w)) {
      problem = region(w);
    } else if (!FILLER.has(lower) && !['to', 'in', 'at'].includes(lower)) {
      unknown.push(w);
    }
    if (problem) return invalid(problem);
  }
  if (!out.repository) return invalid(`Say which GitHub repository to deploy. ${HINT}`);
  if (unknown.length) return invalid(`I did not understand "${unknown.join(' ')}" in that GitHub deploy request. ${HINT}`);
  const intent: ChatIntent = { kind: 'deploy-github', repository: out.repository };
  if (out.ref !== undefined) intent.ref = out.ref;
  if (out.service !== undefined) intent.service = out.service;
  if (out.region !== undefined) intent.region = out.region;
  return intent;

  function repository(raw: string): string | undefined {
    // A browser URL of a branch (…/tree/REF) or a pasted owner/name@ref.
    const tree = /^(.*?github\.com\/[^/]+\/[^/]+)\/tree\/(.+)$/i.exec(raw);
    const at = tree ? undefined : /^([^@]+)@(.+)$/.exec(raw);
    const base = tree?.[1] ?? at?.[1] ?? raw;
    const r = parseRepoName(base);
    if (!r) return `"${raw}" is not a GitHub repository. ${HINT}`;
    if (out.repository && out.repository !== `${r.owner}/${r.name}`) return 'You named two repositories; give one.';
    out.repository = `${r.owner}/${r.name}`;
    const named = tree?.[2] ?? at?.[2];
    return named === undefined ? undefined : ref(named);
  }
  function ref(raw: string): string | undefined {
    if (!REF.test(raw)) return `"${raw}" is not a branch, tag or commit name.`;
    if (out.ref !== undefined && out.ref !== raw) return 'You gave two refs (branches or tags); give one.';
    out.ref = raw;
    return undefined;
  }
  function region(raw: string): string | undefined {
    const r = raw.toLowerCase();
    if (!REGION.test(r)) return `"${raw}" is not a Cloud Run region; use one such as us-central1 or europe-west1.`;
    out.region = r;
    return undefined;
  }
}
