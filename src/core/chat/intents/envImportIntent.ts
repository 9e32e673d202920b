// "import .env", "import env from config/prod.env to api": the offline chat's
// .env import. parseChatIntent.ts tries it before any other intent.
import { invalid, type ChatIntent } from './chatIntent';
import { tokenize } from './requestWords';
import { validateServiceName } from '../../deploy/target';

const VERB = /^(?:import|load)\s+(.*)$/is;
/** `.env`, `.env.production`, `config/prod.env`. */
const ENV_FILE = /^(?:[^\s]*\/)?(?:\.env[^\s/]*|[^\s/]+\.env)$/i;
const ENV_NOUN = /^(?:env|environment|dotenv|vars?|variables?|secrets?)$/i;
const FILLER = new Set(['the', 'my', 'our', 'a', 'an', 'file', 'from', 'of', 'values', 'settings']);
const TO = new Set(['to', 'into', 'on', 'for']);
const HINT = 'Say e.g. "import .env", "import env from .env.production" or "import .env to api".';

/** The request when it asks for an env import; undefined when it is about something else. */
export function parseEnvImport(s: string): ChatIntent | undefined {
  const m = VERB.exec(s);
  if (!m) return undefined;
  const words = tokenize(m[1]);
  if (!words.some((w) => ENV_FILE.test(w) || ENV_NOUN.test(w))) return undefined;
  let file: string | undefined;
  let service: string | undefined;
  const unknown: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    if (ENV_FILE.test(w)) {
      if (file !== undefined && file !== w) return invalid('Name one env file to import.');
      file = w;
    } else if (TO.has(lower)) {
      let j = i + 1;
      while (['the', 'service'].includes(words[j]?.toLowerCase() ?? '')) j++;
      const name = words[j];
      if (name === undefined) return invalid(`Say which service after "${w}". ${HINT}`);
      const bad = validateServiceName(name);
      if (bad) return invalid(`Invalid Cloud Run service name: ${bad}`);
      service = name;
      i = j;
    } else if (lower === 'service' && words[i + 1] !== undefined && !validateServiceName(words[i + 1])) {
      service = words[++i];
    } else if (!ENV_NOUN.test(w) && !FILLER.has(lower)) {
      unknown.push(w);
    }
  }
  // Unknown words are quoted back only when they cannot be a value (`KEY=secret`).
  if (unknown.length) {
    const shown = unknown.every((w) => /^[\w.-]{1,40}$/.test(w)) ? ` "${unknown.join(' ')}"` : '';
    return invalid(`I did not understand${shown || ' all of'} that import request. ${HINT}`);
  }
  const intent: ChatIntent = { kind: 'env-import' };
  if (file !== undefined) intent.file = file;
  if (service !== undefined) intent.service = service;
  return intent;
}
