// "set FOO=bar on api", "set GREETING to 'hello world'", "unset FOO BAR": the
// offline chat's environment variable edits.
import { invalid, type ChatIntent } from './chatIntent';
import { envNameProblem, isEnvName } from '../../env/envNames';
import { withServiceName } from './withService';

const ENV_NOUN = String.raw`(?:env(?:ironment)?[\s-]*var(?:iable)?s?|env(?:ironment)?|vars?|variables?)(?=\s|$)`;
const ART = String.raw`(?:(?:the|an?|new)\s+)*`;
const SET_FORMS = [
  new RegExp(String.raw`^(?:set|export)\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:set|export)(?!\s+up\b)(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^(?:add|put|update|change|define)\s+${ART}${ENV_NOUN}(?:\s+(.*))?$`, 'is'),
  new RegExp(String.raw`^${ART}${ENV_NOUN}\s+(?:set|add)(?:\s+(.*))?$`, 'is'),
  // "change LOG_LEVEL to debug": an upper-case name reads as an env var without the word "env".
  /^(?:change|update|switch)\s+(?:the\s+)?(\$?[A-Z][A-Z0-9_]*\s+to\s+.*)$/s,
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

/** "remove the DEBUG variable (from api)": the name before the noun. */
const UNSET_NAMED = new RegExp(
  String.raw`^(?:remove|delete|drop|clear|unset)\s+(?:the\s+)?(\$?[A-Za-z_]\w*)\s+${ENV_NOUN}((?:\s+(?:on|for|from|in|of)\s+\S+(?:\s+service)?)?)$`,
  'i',
);

export function parseEnv(s: string): ChatIntent | undefined {
  const named = UNSET_NAMED.exec(s);
  if (named) return parseUnsetBody(`${named[1]}${named[2]}`);
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
