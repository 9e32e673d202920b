import type { DeploySession } from '../../core/deploySession';
import { HELP_TEXT, parseChatIntent } from '../../core/chatIntent';
import { STAGE_TITLES } from '../../shared/protocol';

/** The model-free chat: the few intents a deploy tool must answer deterministically. */
export async function handleChat(text: string, session: DeploySession, deploy: () => Promise<unknown>): Promise<unknown> {
  session.say('user', text);
  const intent = parseChatIntent(text);
  switch (intent.kind) {
    case 'deploy':
      if (session.isRunning) return session.say('assistant', 'A deploy is already running; say "cancel" to stop it.');
      session.say('assistant', 'Deploying this folder. Follow the stages above; I will post the URL here.');
      await deploy();
      return session.say('assistant', describeLast(session));
    case 'cancel':
      return session.say('assistant', session.cancel() ? 'Cancelling the deploy…' : 'Nothing is running.');
    case 'status':
      return session.say('assistant', describeLast(session));
    case 'invalid':
      return session.say('assistant', intent.problem);
    default:
      // Logs, env, rollback, services, revisions and usage are not wired here yet.
      return session.say('assistant', HELP_TEXT);
  }
}

function describeLast(session: DeploySession): string {
  const d = session.current.deploy;
  if (!d) return 'Nothing has been deployed from this workspace yet. Say "deploy this".';
  const r = d.result;
  if (!r) return 'A deploy is running.';
  switch (r.outcome) {
    case 'success':
      return `Deployed ${d.target?.service} to ${r.url}${r.revision ? ` (revision ${r.revision})` : ''}.`;
    case 'private':
      return `Deployed to ${r.url}, but it is not public: ${r.problem.message}\nFix: ${r.problem.fix ?? ''}`;
    case 'failed':
      return `The deploy failed at "${STAGE_TITLES[r.stage]}": ${r.problem.message}${r.problem.fix ? `\nFix: ${r.problem.fix}` : ''}`;
    case 'cancelled':
      return `The deploy was cancelled during "${STAGE_TITLES[r.stage]}".`;
  }
}
