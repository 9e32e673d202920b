// "roll back", "roll back api", "roll back to api-00002-xyz"; "send traffic to api-00004-xyz".
import { invalid, type ChatIntent } from './chatIntent';
import { withServiceName } from './withService';

/** Auto-generated revision names: <service>-<5 digits>-<suffix>. */
const AUTO_REVISION = /^[a-z][a-z0-9-]*-\d{5}-[a-z0-9]{3}$/;

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

const SEND_TRAFFIC =
  /^(?:send|route|move|switch|shift)\s+(?:all\s+(?:of\s+)?)?(?:the\s+)?traffic\s+to\s+(?:the\s+)?(?:revision\s+)?(\S+)(?:\s+(?:on|of|for)\s+(?:the\s+)?(?:service\s+)?(\S+))?$/i;

/** "send (all) traffic to REVISION [on SERVICE]": undefined when the message is not that. */
export function parseSendTraffic(s: string): ChatIntent | undefined {
  const m = SEND_TRAFFIC.exec(s);
  if (!m) return undefined;
  const revision = m[1];
  if (!/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(revision)) {
    return invalid(`"${revision}" is not a revision name: revisions look like api-00002-xyz. Say "send traffic to api-00002-xyz".`);
  }
  return withServiceName({ kind: 'traffic', revision }, m[2]);
}

export function parseRollback(rest: string): ChatIntent {
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
