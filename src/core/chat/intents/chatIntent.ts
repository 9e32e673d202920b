// Deterministic understanding of the requests the chat must handle without a
// model. When Gemini is configured the agent takes over free conversation;
// this keeps the sidebar useful (and predictable) when it is not.
import * as path from 'node:path';
import { parseEnvImport } from './envImportIntent';
import { envNameProblem, isEnvName } from '../../env/envNames';
import { parseGitHubDeploy } from './gitHubIntent';
import type { LogSeverity } from '../../cloud/ports';
import { validateServiceName } from '../../deploy/target';

export type ChatIntent =
  | { kind: 'deploy'; region?: string; service?: string; appPath?: string; public?: boolean }
  /** "deploy github.com/owner/name at v1": a GitHub repository (owner/name) at a ref. */
  | { kind: 'deploy-github'; repository: string; ref?: string; service?: string; region?: string }
  | { kind: 'cancel' }
  | { kind: 'status' }
  | { kind: 'logs'; source: 'build' | 'service'; service?: string; severity?: LogSeverity; limit?: number }
  | { kind: 'env-set'; vars: Record<string, string>; service?: string }
  | { kind: 'env-unset'; names: string[]; service?: string }
  /** "import .env", "import env from config/prod.env to api". */
  | { kind: 'env-import'; file?: string; service?: string }
  | { kind: 'rollback'; revision?: string; service?: string }
  | { kind: 'services' }
  | { kind: 'revisions'; service?: string }
  | { kind: 'usage' }
  /** "What changed since the last deploy?" */
  | { kind: 'changes' }
  | { kind: 'help' }
  /** Understood the verb but something is wrong (e.g. "set FOO" with no value): say `problem`. */
  | { kind: 'invalid'; problem: string };

/** Most log lines one request may ask for. */
export const MAX_LOG_LIMIT = 1000;

const REGION = /^[a-z]+-[a-z]+\d+$/;
/** A bare word is only taken as a region when it starts like one; "web-app1" could be a service. */
const KNOWN_REGION = /^(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-[a-z]+\d+$/i;
/** Auto-generated revision names: <service>-<5 digits>-<suffix>. */
const AUTO_REVISION = /^[a-z][a-z0-9-]*-\d{5}-[a-z0-9]{3}$/;

export { envNameProblem, RESERVED_ENV, RESERVED_ENV_PREFIX } from '../../env/envNames';

export function parseChatIntent(text: string): ChatIntent {
  const s = normalize(text);
  if (!s || HELP_PHRASE.test(s) || /^how (?:do|can|should|would) (?:i|we)\b/i.test(s)) return { kind: 'help' };
  const envImport = parseEnvImport(s);
  if (envImport) return envImport;
  const env = parseEnv(s);
  if (env) return env;
  const question = QUESTION.test(s);
  if (/^(?:cancel|stop|abort|halt|kill|terminate)\b/i.test(s) || (!question && /\b(?:cancel|abort)\b/i.test(s))) return { kind: 'cancel' };
  const rollback = ROLLBACK_START.exec(s) ?? (question ? null : ROLLBACK_ANYWHERE.exec(s));
  if (rollback) return parseRollback(s.slice(rollback.index + rollback[0].length));
  // "deploy status" and "deploy logs" ask about a deploy; they do not start one.
  const deploy = DEPLOY_VERB.exec(s);
  if (deploy && deploy.index === 0 && !/^\S+\s+(?:status|logs?|history|errors?)\b/i.test(s)) return parseDeploy(s.slice(deploy[0].length));
  if (CHANGES.test(s)) return { kind: 'changes' };
  if (
    /^(?:usage|limits?|quota)$/i.test(s) ||
    /\b(?:usage|quotas?|my limits?|daily limits?)\b/i.test(s) ||
    /\bhow many\b.*\b(?:deploys?|deployments?|model calls|calls)\b/i.test(s)
  ) {
    return { kind: 'usage' };
  }
  if (/\blogs?\b(?!\s+(?:in|out|into)\b)/i.test(s) || /\b(?:errors?|warnings?|exceptions?|crash(?:es|ed|ing)?)\b/i.test(s) || WHY_FAILED.test(s)) {
    return parseLogs(s);
  }
  if (/\brevisions?\b/i.test(s)) return withService({ kind: 'revisions' }, s);
  if (/\bservices\b/i.test(s) || /^(?:list|show)(?:\s+me)?(?:\s+(?:my|all|the))?\s+(?:apps|applications)$/i.test(s)) return { kind: 'services' };
  if (STATUS.some((re) => re.test(s))) return { kind: 'status' };
  // "time to ship it" still deploys; a question that mentions deploying never does.
  if (deploy && !question) return parseDeploy(s.slice(deploy.index + deploy[0].length));
  return { kind: 'help' };
}

const HELP_PHRASE = /^(?:help(?: me)?|h|commands|menu|what can you do|what can i (?:say|do)|what do you understand|how does this work)$/i;
/** "Why did it fail?", "what went wrong": asking for the reason, which the logs hold. */
const WHY_FAILED = /^(?:why\b.*\b(?:fail\w*|broke|broken|crash\w*|down|not working)|what went wrong)\b/i;
const QUESTION = /^(?:how|what|what's|whats|why|when|where|who|which|did|does|is|was|were|has|have|are|should|can i|can we|could i|will it|would it)\b/i;
/** "What changed since the last deploy", "diff vs the deployed version", "files modified since deploying". */
const CHANGES = /\b(?:chang\w*|diff\w*|modif\w*|edit\w*)\b.*\b(?:since|from|after|vs\.?|versus|compared to)\b.*\b(?:deploy\w*|release\w*|ship\w*)\b/i;
const DEPLOY_VERB = /\b(?:deploy|redeploy|ship|publish|release|launch)\b/i;
const ROLLBACK_START = /^(?:roll[\s-]*back|revert|undo(?=\s+(?:the\s+)?(?:last\s+)?(?:deploy|deployment|release)\b))\b/i;
const ROLLBACK_ANYWHERE = /\broll[\s-]*back\b/i;
const STATUS = [
  /\b(?:status|state|url|link|address|endpoint|progress|result)\b/i,
  /\b(?:last|latest) (?:deploy|deployment)\b/i,
  /^is it (?:live|up|running|working|online|done|finished|deployed|ready)\b/i,
  /^(?:how|what|what's|whats|where|did|does|is|was|has|are)\b.*\b(?:deploy\w*|service|build|it|app|site)\b/i,
];

const POLITE_PREFIX =
  /^(?:please|pls|plz|kindly|hey|hi|hello|ok|okay|so|now|then|just|go ahead and|can you|could you|would you|will you|can u|could u|i want to|i'd like to|i would like to|i wanna|i need to|let's|lets|let us|help me)[\s,]+/i;
const POLITE_SUFFIX = /[\s,]+(?:please|pls|plz|thanks|thank you|thx|for me)$/i;

/** Trim courtesy and closing punctuation so the patterns see the request itself. Case is kept: env values and names need it. */
function normalize(text: string): string {
  let s = text
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .trim();
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s
      .replace(/[\s.!?,]+$/, '')
      .replace(POLITE_PREFIX, '')
      .replace(POLITE_SUFFIX, '')
      .trim();
  }
  return s;
}

// ---- environment variables -------------------------------------------------

const ENV_NOUN = String.raw`(?:env(?:ironment)?[\s-]*var(?:iable)?s?|env(?:ironment)?|vars?|variables?)(?=\s|$)`;
const ART = String.raw`(?:(?:the|an?|new)\s+)*`;
const SET_FORMS = [
  new RegExp(String.raw`^(?:set|export)\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:set|export)(?!\s+up\b)(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:add|put|update|change|define)\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^${ART}${ENV_NOUN}\s+(?:set|add)(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:${ENV_NOUN}\s+)?(\$?[A-Za-z_]\w*\s*=.*)$`, 's'),
];
const UNSET_FORMS = [
  new RegExp(String.raw`^unset\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^unset(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:remove|delete|drop|clear|rm|del)\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^${ART}${ENV_NOUN}\s+(?:unset|remove|delete|drop|rm|del)(?:\s+(.*))?$`, 'is'),
];
/** Words people use for deploy settings; "set region to x" is not an env var. */
const SETTING_WORDS: Record<string, string> = {
  region: 'say "deploy to europe-west1", or set devgem.region in Settings',
  project: 'set devgem.project in Settings',
  service: 'say "deploy this as my-service", or set devgem.serviceName in Settings',
  name: 'say "deploy this as my-service", or set devgem.serviceName in Settings',
};
const SERVICE_SUFFIX = String.raw`(?:^|\s+)(?:on|for|in|from|of)\s+(?:the\s+)?(?:service\s+)?([^\s"'=,]+)(?:\s+service)?\s*$`;

function parseEnv(s: string): ChatIntent | undefined {
  let firstProblem: ChatIntent | undefined;
  for (const [forms, parse] of [
    [UNSET_FORMS, parseUnsetBody],
    [SET_FORMS, parseSetBody],
  ] as const) {
    for (const form of forms) {
      const m = form.exec(s);
      if (!m) continue;
      const intent = parse((m[1] ?? '').trim(), form !== SET_FORMS[1]);
      if (intent.kind !== 'invalid') return intent;
      firstProblem ??= intent;
    }
    if (firstProblem) return firstProblem;
  }
  return undefined;
}

function parseUnsetBody(body: string): ChatIntent {
  const suffix = new RegExp(SERVICE_SUFFIX, 'i').exec(body);
  const names = (suffix ? body.slice(0, suffix.index) : body)
    .split(/[\s,]+/)
    .filter((w) => w && !/^and$/i.test(w))
    .map((w) => w.replace(/^\$/, ''));
  if (names.length === 0) return invalid('Say which variables to remove, e.g. "unset FOO" or "remove env FOO BAR".');
  for (const name of names) {
    const problem = envNameProblem(name);
    if (problem) return invalid(problem);
  }
  return withServiceName({ kind: 'env-unset', names: [...new Set(names)] }, suffix?.[1]);
}

function parseSetBody(body: string, saidEnv: boolean): ChatIntent {
  if (!body) return invalid('Say which variable to set and its value, e.g. "set FOO=bar".');
  const vars: Record<string, string> = {};
  let service: string | undefined;
  const to = new RegExp(String.raw`^\$?(\S+)\s+to\s+("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)(?:${SERVICE_SUFFIX}|\s*$)`, 'is').exec(body);
  if (to) {
    const name = to[1];
    if (!saidEnv && SETTING_WORDS[name]) return invalid(`"${name}" is a deploy setting, not an environment variable: ${SETTING_WORDS[name]}.`);
    vars[name] = unquote(to[2]);
    service = to[3];
  } else {
    const assign = /\s*(?:,\s*|and\s+)?\$?([^\s=,"']+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']*))/iy;
    const suffix = new RegExp(SERVICE_SUFFIX, 'iy');
    let pos = 0;
    while (pos < body.length) {
      suffix.lastIndex = assign.lastIndex = pos;
      const end = Object.keys(vars).length > 0 ? suffix.exec(body) : null;
      if (end) {
        service = end[1];
        break;
      }
      const m = assign.exec(body);
      if (!m) return setProblem(body);
      const [, name, dq, sq, bare] = m;
      // A bare value ending in a comma is a list separator ("A=1, B=2"); quote the value to keep one.
      const value = dq !== undefined ? dq.replace(/\\(.)/g, '$1') : (sq ?? bare.replace(/,$/, ''));
      if (dq === undefined && sq === undefined && value === '') {
        return invalid(`${name} has no value. To set it empty write ${name}=""; to remove it say "unset ${name}".`);
      }
      if (name in vars) return invalid(`${name} is given twice; give each variable once.`);
      vars[name] = value;
      pos = assign.lastIndex;
    }
  }
  for (const name of Object.keys(vars)) {
    const problem = envNameProblem(name);
    if (problem) return invalid(problem);
  }
  return withServiceName({ kind: 'env-set', vars }, service);
}

/** Why a set request could not be read; never echoes values, which may be secrets. */
function setProblem(body: string): ChatIntent {
  const lone = /^\$?(\S+)(?:\s+to)?$/i.exec(body.trim());
  if (lone && isEnvName(lone[1])) return invalid(`${lone[1]} needs a value, e.g. "set ${lone[1]}=value".`);
  if (/^\$?\S+\s+to\s+/i.test(body)) return invalid('Quote a value that has spaces, e.g. set GREETING="hello world".');
  return invalid('I could not read the variables. Write them as NAME=value and quote values with spaces, e.g. set GREETING="hello world" MODE=prod.');
}

function unquote(v: string): string {
  if (v.startsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  if (v.startsWith("'")) return v.slice(1, -1);
  return v;
}

// ---- logs, revisions --------------------------------------------------------

const SEVERITY_WORDS: [RegExp, LogSeverity][] = [
  [/\bcritical\b/i, 'CRITICAL'],
  [/\b(?:errors?|exceptions?|crash\w*)\b/i, 'ERROR'],
  [/\b(?:warnings?|warn)\b/i, 'WARNING'],
  [/\binfo\b/i, 'INFO'],
  [/\bdebug\b/i, 'DEBUG'],
];

function parseLogs(s: string): ChatIntent {
  // Build words decide first; then anything about the running service; then a
  // failed deploy, which is what "why did it fail" is about.
  const build =
    /\b(?:build\w*|compile\w*|docker\w*|image)\b/i.test(s) ||
    (!/\b(?:service|runtime|requests?|container|app|traffic|crash\w*)\b/i.test(s) &&
      (/\bdeploy\w*\b/i.test(s) || /^(?:why\b.*\bfail|what went wrong)/i.test(s)));
  const intent: ChatIntent = { kind: 'logs', source: build ? 'build' : 'service' };
  if (!build) {
    const severity = SEVERITY_WORDS.find(([re]) => re.test(s))?.[1];
    if (severity) intent.severity = severity;
  }
  const n =
    /\b(?:last|latest|recent|first|top|show|tail|get|fetch)\s+(?:me\s+)?(?:the\s+)?(\d+)\b(?!\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|weeks?)\b)/i.exec(
      s,
    ) ?? /(?<![\w-])(\d+)\s+(?:(?:log|build|error|warning)\s+)?(?:lines?|entries|entry|logs?|errors?|warnings?|messages?|records?)\b/i.exec(s);
  if (n) intent.limit = Math.min(MAX_LOG_LIMIT, Math.max(1, Number(n[1])));
  const named = withService(intent, s);
  if (named !== intent) return named;
  // "show api logs": a guess, so a word that is not a valid service name is simply not one.
  const before = /(?:^|\s)([^\s"',]+)\s+logs?\b/i.exec(s)?.[1];
  return before && !NOT_A_SERVICE.has(before.toLowerCase()) && !LOG_WORDS.test(before) && !validateServiceName(before)
    ? { ...intent, service: before }
    : intent;
}

const LOG_WORDS =
  /^(?:of|for|from|on|in|to|with|about|and|or|lines|show|see|view|get|fetch|tail|open|read|check|me|the|all|any|more|full|new|some|its|these|those|runtime|request|container|application|cloud|run|critical|warning|info|debug|live|current|\d+)$/i;

/** Words that follow "for"/"of" without naming a service ("logs for the last hour"). */
const NOT_A_SERVICE = new Set([
  'this',
  'it',
  'that',
  'my',
  'me',
  'last',
  'latest',
  'recent',
  'today',
  'yesterday',
  'now',
  'service',
  'services',
  'app',
  'build',
  'deploy',
  'deployment',
  'all',
  'a',
  'an',
  'errors',
  'error',
  'revision',
  'revisions',
  'warnings',
  'log',
  'logs',
  'lines',
  'entries',
  'hour',
  'minutes',
  'day',
  'week',
]);

/** Adds the service named after "for/of/from/on/in", if any, validated. */
function withService(intent: ServiceIntent, s: string): ChatIntent {
  for (const m of s.matchAll(/\b(?:for|of|from|on|in)\s+(?:the\s+)?(?:service\s+)?([^\s"',;:]+)/gi)) {
    if (!NOT_A_SERVICE.has(m[1].toLowerCase()) && !/^\d+$/.test(m[1])) return withServiceName(intent, m[1]);
  }
  return intent;
}

type ServiceIntent = Extract<ChatIntent, { kind: 'deploy' | 'logs' | 'env-set' | 'env-unset' | 'rollback' | 'revisions' }>;

function withServiceName(intent: ServiceIntent, service: string | undefined): ChatIntent {
  if (service === undefined) return intent;
  const problem = validateServiceName(service);
  return problem ? invalid(`Invalid Cloud Run service name: ${problem}`) : { ...intent, service };
}

// ---- rollback ---------------------------------------------------------------

const ROLLBACK_FILLER = new Set([
  'the',
  'a',
  'an',
  'last',
  'latest',
  'previous',
  'prior',
  'older',
  'earlier',
  'deploy',
  'deployment',
  'release',
  'revision',
  'version',
  'one',
  'it',
  'this',
  'service',
  'please',
  'back',
  'to',
  'of',
  'for',
  'on',
]);

function parseRollback(rest: string): ChatIntent {
  const words = rest.split(/[\s,]+/).filter(Boolean);
  let revision: string | undefined;
  const others: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (ROLLBACK_FILLER.has(w.toLowerCase())) {
      // "to X": X is the revision unless X is a filler ("to the previous one").
      const next = words[i + 1];
      if (w.toLowerCase() === 'to' && next && !ROLLBACK_FILLER.has(next.toLowerCase())) {
        revision = next;
        i++;
      }
      continue;
    }
    if (AUTO_REVISION.test(w) && !revision) revision = w;
    else others.push(w);
  }
  if (others.length > 1) return invalid(`I did not understand "${others.join(' ')}". Say "roll back", "roll back api" or "roll back to api-00002-xyz".`);
  if (revision !== undefined && !/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(revision)) {
    return invalid(`"${revision}" is not a revision name: revisions look like api-00002-xyz (lowercase letters, digits and hyphens).`);
  }
  return withServiceName(revision ? { kind: 'rollback', revision } : { kind: 'rollback' }, others[0]);
}

// ---- deploy -----------------------------------------------------------------

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
]);
const PUBLIC_WORDS = new Set(['public', 'publicly', 'unauthenticated', '--allow-unauthenticated']);
const PRIVATE_WORDS = new Set(['private', 'privately', 'authenticated', '--no-allow-unauthenticated']);
const DEPLOY_KEYWORDS = new Set(['as', 'named', 'called', 'name', 'with', 'region', ...PUBLIC_WORDS, ...PRIVATE_WORDS]);
const DEPLOY_HINT = 'Name a folder with "deploy the folder services/api", a service with "deploy this as api", a region with "deploy to europe-west1".';

function parseDeploy(rest: string): ChatIntent {
  const gitHub = parseGitHubDeploy(rest);
  if (gitHub) return gitHub;
  const words = tokenize(rest);
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

/** Words, with "quoted phrases" kept whole (folder names may have spaces). */
function tokenize(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|'([^']*)'|([^\s,]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function invalid(problem: string): ChatIntent {
  return { kind: 'invalid', problem };
}

export const HELP_TEXT = [
  'Without an AI model I understand these requests:',
  '• Deploy: "deploy this", "deploy this to europe-west1 as api", "deploy the folder services/api", "deploy privately", "deploy publicly"',
  '• GitHub: "deploy github.com/owner/name", "deploy github.com/owner/name at v1.2", "deploy owner/name@main from github"',
  '• "status" — how the last deploy went and its URL',
  '• "cancel" — stop the running deploy',
  '• Logs: "logs", "show logs for api", "show the last 50 log lines", "show me the last errors", "build logs", "why did the build fail?"',
  '• Environment variables: "set FOO=bar", "set GREETING=\'hello world\' on api", "set FOO to bar", "unset FOO", "remove env FOO BAR"',
  '• Secrets: "import .env", "import env from .env.production to api" — secret-looking keys go to Secret Manager',
  '• Roll back: "roll back", "roll back api", "roll back to api-00002-xyz"',
  '• Services and revisions: "list services", "list revisions of api"',
  '• "what changed since the last deploy?" — files added, removed and modified since then, and the commits',
  '• "usage" — deploys and model calls today, and their limits',
  '• "help" — this list',
  'Project, region and service name otherwise come from Settings (devgem.*), your environment or your gcloud configuration.',
  'To ask anything else in your own words, turn on the AI: run "Devgem: Set Gemini API Key", or set `devgem.vertexProject` to use Vertex AI with Application Default Credentials.',
].join('\n');
