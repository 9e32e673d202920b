// The offline parser's safety net: a request that says not to act ("do not
// deploy this", "never roll back api") and a "stop"/"cancel" about something
// other than the running deploy ("stop the api service", "cancel my
// subscription to api logs") get a clarifying reply and act on nothing.
import type { ChatIntent } from './chatIntent';

const ACTION =
  /(?:deploy|redeploy|ship|publish|release|launch|push|roll[\s-]*back|rollback|revert|undo|go\s+back|cancel|stop|abort|delete|remove|unset|set|change|update|scale|make|run|import|send|route|touch)\b/i;
const NEGATION = new RegExp(
  String.raw`(?:^|\b)(?:do\s+not|don'?t|dont|never|no\s+need\s+to|not\s+(?:yet|now)\s+|shouldn'?t|mustn'?t|won'?t|not)\s+(?:\w+\s+){0,3}?${ACTION.source}`,
  'i',
);
/** KEY=value pairs and quoted text: values may say "don't", and they are not the request. */
const VALUES = /[^\s=]+=(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S*)|"(?:[^"\\]|\\.)*"|'[^']*'/g;

/** A clarifying reply when the message negates an action; undefined otherwise. */
export function parseNegation(s: string): ChatIntent | undefined {
  const m = NEGATION.exec(s.replace(VALUES, ' '));
  if (!m) return undefined;
  const verb = ACTION.exec(m[0])![0].toLowerCase().replace(/\s+/g, ' ');
  return {
    kind: 'clarify',
    reply: `OK — I will not ${verb === 'go back' ? 'roll back' : verb} anything. Nothing was changed. Tell me what you would like instead, e.g. "status" or "help".`,
  };
}

/** "cancel", "stop the deploy", "abort the build", "cancel this": the running deploy and nothing else. */
const CANCEL_DEPLOY =
  /^(?:cancel|stop|abort|halt|kill|terminate)(?:\s+(?:it|this|that|now|everything|(?:the\s+|this\s+|my\s+)?(?:running\s+|current\s+|ongoing\s+)?(?:deploy\w*|build|rollback|release|upload|push|run)(?:\s+now)?))?$/i;
const CANCEL_WORD = /^(?:cancel|stop|abort|halt|kill|terminate)\b|\b(?:cancel|abort)\b/i;

/** The cancel intent for a plain "cancel the deploy"; a clarifying reply for any other cancel/stop; undefined when neither is said. */
export function parseCancel(s: string, question: boolean): ChatIntent | undefined {
  if (CANCEL_DEPLOY.test(s)) return { kind: 'cancel' };
  if (!/^(?:cancel|stop|abort|halt|kill|terminate)\b/i.test(s) && (question || !CANCEL_WORD.test(s))) return undefined;
  if (/^(?:stop|halt|kill|terminate)\b.*\bservice\b/i.test(s)) {
    return {
      kind: 'clarify',
      reply:
        'Cloud Run has no "stop" for a service, so nothing was changed. To stop the running deploy say "cancel the deploy"; to stop serving traffic you can "make it private" or "delete the api service" (both ask you first).',
    };
  }
  return {
    kind: 'clarify',
    reply: 'I can only cancel the deploy that is running now, and I was not sure you meant that, so nothing was cancelled. Say "cancel the deploy" to stop it.',
  };
}
