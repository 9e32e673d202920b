// "describe the api service", "delete the api service", "make it public",
// "scale api to 3 instances", "set min instances to 1", "give it 1 GiB of
// memory": requests about a deployed service rather than the workspace.
import { invalid, type ChatIntent } from './chatIntent';
import { withServiceName } from './withService';
import { validateServiceName } from '../../deploy/target';

/** "the api service", "service api", "api", "it": the service a request names, if any. */
const SERVICE_REF = String.raw`(?:it|this|that|(?:the\s+)?(?:service\s+)?([a-z][a-z0-9-]*)(?:\s+service)?|the\s+service|my\s+service|the\s+app|my\s+app)`;
const PRONOUN = /^(?:it|this|that|service|app)$/i;

const DESCRIBE = new RegExp(
  String.raw`^(?:describe|inspect|show\s+(?:me\s+)?(?:the\s+)?(?:details|config(?:uration)?|settings)\s+(?:of|for))(?:\s+${SERVICE_REF})?$`,
  'i',
);
const DELETE = new RegExp(String.raw`^(?:delete|remove|destroy|tear\s+down)\s+${SERVICE_REF}$`, 'i');
const VISIBILITY = new RegExp(
  String.raw`^(?:make|set|turn)\s+${SERVICE_REF}\s+(?:to\s+)?(public(?:ly\s+accessible)?|private|unauthenticated|authenticated)$`,
  'i',
);
const SCALE = new RegExp(String.raw`^scale\s+(?:${SERVICE_REF}\s+)?(?:up\s+|down\s+)?to\s+(\d+)\s+(?:instances?|replicas?|containers?)$`, 'i');
const MIN_MAX =
  /^(?:set|change|update|use)\s+(?:the\s+)?(min|max|minimum|maximum)(?:imum)?[\s-]*instances?\s+(?:to\s+|=\s*)?(\d+)(?:\s+(?:on|for)\s+(?:the\s+)?(?:service\s+)?([a-z][a-z0-9-]*))?$/i;
const MEMORY =
  /^(?:give|set|change|raise|increase|bump|use)\s+(?:(it|this|the\s+service|(?:the\s+)?(?:service\s+)?[a-z][a-z0-9-]*)\s+)?(?:the\s+)?(?:memory\s+(?:limit\s+)?(?:to\s+)?)?(\d+(?:\.\d+)?)\s*(gib|gb|gi|g|mib|mb|mi|m)\b(?:\s+(?:of\s+)?(?:memory|ram))?(?:\s+(?:on|for|to)\s+(?:the\s+)?(?:service\s+)?([a-z][a-z0-9-]*))?$/i;

/** Most instances one chat request may ask for; Cloud Run's own limits are checked by the tool or gcloud. */
const MAX_INSTANCES = 1000;

export function parseServiceRequest(s: string): ChatIntent | undefined {
  let m = DESCRIBE.exec(s);
  if (m) return named({ kind: 'describe' }, m[1]);
  m = DELETE.exec(s);
  if (m) {
    const name = m[1] && !PRONOUN.test(m[1]) ? m[1] : undefined;
    // A destructive tool needs an explicit name: "delete it" could mean anything.
    if (!name) return invalid('Say which service to delete, e.g. "delete the api service". You will be asked to confirm first.');
    // "delete DEBUG" is not about a service (an env var, a file…): leave it to the other parsers.
    return validateServiceName(name) ? undefined : { kind: 'delete', service: name };
  }
  m = VISIBILITY.exec(s);
  if (m) return named({ kind: 'config', public: /^public|^unauthenticated/i.test(m[2]) }, m[1]);
  m = SCALE.exec(s);
  if (m) {
    const n = count(m[2]);
    if (typeof n === 'string') return invalid(n);
    return named({ kind: 'config', minInstances: n, maxInstances: Math.max(n, 1) }, m[1]);
  }
  m = MIN_MAX.exec(s);
  if (m) {
    const n = count(m[2]);
    if (typeof n === 'string') return invalid(n);
    return named(/^min/i.test(m[1]) ? { kind: 'config', minInstances: n } : { kind: 'config', maxInstances: Math.max(n, 1) }, m[3]);
  }
  m = MEMORY.exec(s);
  if (m) {
    const memory = memoryLimit(m[2], m[3]);
    if (!memory) return invalid(`"${m[2]} ${m[3]}" is not a memory size Cloud Run takes; say e.g. "give it 512 MiB of memory" or "give it 1 GiB of memory".`);
    const who = m[1]?.replace(/^(?:the\s+)?(?:service\s+)?/i, '');
    return named({ kind: 'config', memory }, m[4] ?? (who && !PRONOUN.test(who) ? who : undefined));
  }
  return undefined;
}

function named(intent: Extract<ChatIntent, { kind: 'describe' | 'config' }>, service: string | undefined): ChatIntent {
  return withServiceName(intent, service && !PRONOUN.test(service) ? service : undefined);
}

function count(raw: string): number | string {
  const n = Number(raw);
  return n > MAX_INSTANCES ? `${n} instances is more than ${MAX_INSTANCES}; ask for fewer.` : n;
}

/** Cloud Run's memory limit notation (`512Mi`, `1Gi`): whole MiB or GiB, between 128 MiB and 32 GiB. */
function memoryLimit(amount: string, unit: string): string | undefined {
  const giga = /^g/i.test(unit);
  const mib = Number(amount) * (giga ? 1024 : 1);
  if (!Number.isInteger(mib) || mib < 128 || mib > 32 * 1024) return undefined;
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
