// Deterministic understanding of the requests the chat must handle without a
// model. When Gemini is configured the agent takes over free conversation;
// this keeps the sidebar useful (and predictable) when it is not. This file
// decides which intent family a message belongs to; each family parses the
// rest in its own file.
import type { ChatIntent } from './chatIntent';
import { parseDeploy } from './deployIntent';
import { parseEnv } from './envIntent';
import { parseEnvImport } from './envImportIntent';
import { parseCancel, parseNegation } from './guardIntent';
import { parseLogs } from './logsIntent';
import { parseRollback, parseSendTraffic } from './rollbackIntent';
import { parseServiceRequest } from './serviceIntent';
import { withService } from './withService';

export function parseChatIntent(text: string): ChatIntent {
  const s = normalize(text);
  if (!s || HELP_PHRASE.test(s) || /^how (?:do|can|should|would) (?:i|we)\b/i.test(s)) return { kind: 'help' };
  // Before anything that acts: "do not deploy this" must never deploy. A question ("why did it not deploy?") is read as one.
  const negated = QUESTION.test(s) ? undefined : parseNegation(s);
  if (negated) return negated;
  const envImport = parseEnvImport(s);
  if (envImport) return envImport;
  const serviceRequest = parseServiceRequest(s);
  if (serviceRequest) return serviceRequest;
  const env = parseEnv(s);
  if (env) return env;
  const question = QUESTION.test(s);
  const cancel = parseCancel(s, question);
  if (cancel) return cancel;
  if (!question && RUN_LOCALLY.test(s)) return { kind: 'run-local' };
  const traffic = parseSendTraffic(s);
  if (traffic) return traffic;
  const rollback = ROLLBACK_START.exec(s) ?? (question ? null : ROLLBACK_ANYWHERE.exec(s));
  if (rollback) return parseRollback(s.slice(rollback.index + rollback[0].length));
  // "deploy status" and "deploy logs" ask about a deploy; they do not start one.
  const push = PUSH_LIVE.exec(s);
  if (push) return parseDeploy(push[1]);
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
const WHY_FAILED =
  /^(?:why\b.*\b(?:fail\w*|broke|broken|crash\w*|down|not working|(?:didn'?t|did\s+not|doesn'?t|does\s+not|won'?t|will\s+not|not)\s+(?:it\s+)?(?:deploy|work|start|run|load))|what went wrong)\b/i;
const QUESTION = /^(?:how|what|what's|whats|why|when|where|who|which|did|does|is|was|were|has|have|are|should|can i|can we|could i|will it|would it)\b/i;
/** "What changed since the last deploy", "diff vs the deployed version", "files modified since deploying". */
const CHANGES = /\b(?:chang\w*|diff\w*|modif\w*|edit\w*)\b.*\b(?:since|from|after|vs\.?|versus|compared to)\b.*\b(?:deploy\w*|release\w*|ship\w*)\b/i;
const DEPLOY_VERB = /\b(?:deploy|redeploy|ship|publish|release|launch)\b/i;
const ROLLBACK_START = /^(?:roll[\s-]*back|revert|go\s+back(?=\s+to\b|$)|undo(?=\s+(?:the\s+)?(?:last\s+)?(?:deploy|deployment|release)\b))\b/i;
/** "run it locally", "try it in docker", "start a local run": Devgem: Run Locally. */
const RUN_LOCALLY =
  /^(?:run|start|test|try|launch|build and run)\b.*\b(?:locally|local(?:ly)?\s+(?:docker|podman|machine|computer)|on\s+my\s+(?:machine|computer|laptop)|in\s+(?:local\s+)?(?:docker|podman))$|^(?:start\s+)?(?:a\s+)?local\s+run$/i;
/** "push this to production": a deploy; a plain "push" is git's. */
const PUSH_LIVE = /^push\b(.*\bto\s+(?:production|prod|live|cloud\s+run))$/i;
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
