// Which Cloud Run service a request names ("logs for api", "unset FOO on web"):
// several intent families take one, and all validate it the same way.
import { invalid, type ChatIntent, type ServiceIntent } from './chatIntent';
import { validateServiceName } from '../../deploy/target';

/** Words that follow "for"/"of" without naming a service ("logs for the last hour"). */
export const NOT_A_SERVICE = new Set([
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
export function withService(intent: ServiceIntent, s: string): ChatIntent {
  for (const m of s.matchAll(/\b(?:for|of|from|on|in)\s+(?:the\s+)?(?:service\s+)?([^\s"',;:]+)/gi)) {
    if (!NOT_A_SERVICE.has(m[1].toLowerCase()) && !/^\d+$/.test(m[1])) return withServiceName(intent, m[1]);
  }
  return intent;
}

export function withServiceName(intent: ServiceIntent, service: string | undefined): ChatIntent {
  if (service === undefined) return intent;
  const problem = validateServiceName(service);
  return problem ? invalid(`Invalid Cloud Run service name: ${problem}`) : { ...intent, service };
}
