// "logs", "show the last 50 errors for api", "why did the build fail?": which
// logs, how many and how severe.
import type { ChatIntent } from './chatIntent';
import type { LogSeverity } from '../../cloud/ports';
import { validateServiceName } from '../../deploy/target';
import { NOT_A_SERVICE, withService } from './withService';

/** Most log lines one request may ask for. */
export const MAX_LOG_LIMIT = 1000;

const SEVERITY_WORDS: [RegExp, LogSeverity][] = [
  [/\bcritical\b/i, 'CRITICAL'],
  [/\b(?:errors?|exceptions?|crash\w*)\b/i, 'ERROR'],
  [/\b(?:warnings?|warn)\b/i, 'WARNING'],
  [/\binfo\b/i, 'INFO'],
  [/\bdebug\b/i, 'DEBUG'],
];

export function parseLogs(s: string): ChatIntent {
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
