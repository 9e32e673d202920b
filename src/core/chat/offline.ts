import { STAGE_TITLES, type DeployState } from '../../shared/protocol';
import type { ChatIntent } from './intents/chatIntent';
import { HELP_TEXT } from './intents/helpText';
import type { AgentContext } from '../agent/context';
import type { AgentEvents } from '../agent/agent';
import type { FunctionCall } from '../agent/model';
import { redactDeep } from '../base/redact';
import type { ConfirmPort, ToolOutcome, ToolRegistry } from '../agent/registry';

export interface OfflineDeps {
  registry: ToolRegistry<AgentContext>;
  ctx: AgentContext;
  confirm: ConfirmPort;
  events: Pick<AgentEvents, 'tool'>;
  /** Cancels the running deploy; false when none runs. */
  cancelDeploy(): boolean;
}

let seq = 0;

/**
 * The chat without a model: each understood intent becomes one tool call
 * through the same registry (same validation, same confirmations), and the
 * answer is written from the tool's result.
 */
export async function answerOffline(intent: ChatIntent, deps: OfflineDeps, signal: AbortSignal): Promise<string> {
  const run = async (name: string, args: Record<string, unknown>): Promise<ToolOutcome> => {
    const call: FunctionCall = { id: `offline-${++seq}`, name, args: dropUndefined(args) };
    const card = { callId: call.id!, name, risk: deps.registry.riskOf(name), args: redactDeep(call.args) };
    deps.events.tool({ ...card, status: 'running' });
    const outcome = await deps.registry.execute(call, deps.ctx, { confirm: deps.confirm, onStatus: (status) => deps.events.tool({ ...card, status }) }, signal);
    deps.events.tool({ ...card, status: outcome.status, summary: outcome.summary });
    return outcome;
  };

  switch (intent.kind) {
    case 'help':
      return HELP_TEXT;
    case 'invalid':
      return intent.problem;
    case 'clarify':
      return intent.reply;
    case 'config': {
      // A write tool: its card shows each setting before → after, and nothing changes without the click.
      if (!deps.registry.get('update_service_config')) return configReply(intent);
      const { kind: _kind, ...args } = intent;
      const o = await run('update_service_config', args);
      if (o.status !== 'done') return failure(o, 'Nothing was changed.');
      return `${o.summary ?? 'Updated.'}${o.response.url ? `\nURL: ${o.response.url as string}` : ''}`;
    }
    case 'describe': {
      const o = await run('describe_service', { service: intent.service });
      if (o.status !== 'done') return failure(o);
      const r = o.response;
      const env = (r.env as { name: string; secret?: string }[]).map((e) => (e.secret ? `${e.name} (secret ${e.secret})` : e.name));
      const scale = `instances ${(r.minInstances as number | undefined) ?? 0}–${(r.maxInstances as number | undefined) ?? 'default'}`;
      return [
        `${r.service as string} in ${r.region as string}: ${r.ready ? 'ready' : `not ready${r.statusMessage ? ` (${r.statusMessage as string})` : ''}`}`,
        `URL: ${(r.uri as string | undefined) ?? 'none'}`,
        `Image: ${(r.image as string | undefined) ?? 'unknown'}`,
        `Resources: ${(r.cpu as string | undefined) ?? 'default'} CPU, ${(r.memory as string | undefined) ?? 'default'} memory, ${scale}`,
        `Env vars: ${env.length ? env.join(', ') : 'none'}`,
      ].join('\n');
    }
    case 'delete': {
      // A destructive tool: the registry shows the card and runs it only after the click.
      const o = await run('delete_service', { service: intent.service });
      if (o.status !== 'done') return failure(o, 'Nothing was deleted.');
      return `Deleted ${o.response.deleted as string} from ${o.response.project as string} / ${o.response.region as string}.`;
    }
    case 'run-local': {
      if (!deps.registry.get('run_locally')) return 'Running locally is not available here: use "Devgem: Run Locally" in VS Code.';
      const o = await run('run_locally', {});
      if (o.status !== 'done') return failure(o, 'Nothing was started.');
      return `Running locally at ${o.response.url as string}. Stop it from the notification, or with "Devgem: Stop Local Run".`;
    }
    case 'cancel':
      return deps.cancelDeploy() ? 'Cancelling the deploy…' : 'Nothing is running.';
    case 'status':
      return describeDeploy(deps.ctx.lastDeploy());
    case 'usage':
      return deps.ctx.usage?.report() ?? 'Usage is not tracked.';
    case 'changes': {
      const o = await run('get_changes_since_deploy', {});
      if (o.status !== 'done') return failure(o);
      return describeChanges(o.response);
    }
    case 'deploy': {
      const o = await run('deploy', { service: intent.service, region: intent.region, subfolder: intent.appPath, public: intent.public });
      if (o.status !== 'done') return failure(o, 'Nothing was deployed.');
      return describeDeploy(deps.ctx.lastDeploy());
    }
    case 'deploy-github': {
      const o = await run('deploy_github_repo', { repository: intent.repository, ref: intent.ref, service: intent.service, region: intent.region });
      if (o.status !== 'done') return failure(o, 'Nothing was deployed.');
      return `${o.response.repository as string} at ${o.response.ref as string} (${(o.response.commit as string).slice(0, 7)}): ${describeDeploy(deps.ctx.lastDeploy())}`;
    }
    case 'logs': {
      if (intent.source === 'build') {
        const o = await run('get_build_logs', { lines: intent.limit });
        if (o.status !== 'done') return failure(o);
        const lines = o.response.lines_untrusted as string[];
        if (!lines.length) return 'There is no build log yet. Deploy first.';
        const note = o.response.note ? `${o.response.note as string}\n` : '';
        return `${note}Last ${lines.length} build log lines:\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
      }
      const o = await run('get_service_logs', { service: intent.service, severity: intent.severity, limit: intent.limit });
      if (o.status !== 'done') return failure(o);
      const entries = o.response.entries_untrusted as { timestamp: string; severity: string; text: string }[];
      if (!entries.length) return `No ${intent.severity ? `${intent.severity}+ ` : ''}log entries for ${o.response.service as string}.`;
      return `${entries.length} log entries for ${o.response.service as string}:\n\`\`\`\n${entries.map((e) => `${e.timestamp} ${e.severity} ${e.text}`).join('\n')}\n\`\`\``;
    }
    case 'env-set':
    case 'env-unset': {
      const args = intent.kind === 'env-set' ? { service: intent.service, set: intent.vars } : { service: intent.service, unset: intent.names };
      const o = await run('set_env_vars', args);
      if (o.status !== 'done') return failure(o, 'No env var was changed.');
      // What serves is read from the traffic split after the change: a rollback may keep it on an older revision.
      return `${o.summary.split(';')[0]} on ${o.response.service as string}. ${o.response.result as string}`;
    }
    case 'env-import': {
      const o = await run('import_env_file', { path: intent.file, service: intent.service });
      if (o.status !== 'done') return failure(o, 'Nothing was imported.');
      const skipped = (o.response.skipped as { key: string; reason?: string }[]).map((s) => `\n• Skipped ${s.key}: ${s.reason ?? 'refused'}`);
      const unread = (o.response.problems as string[]).map((p) => `\n• Not read: ${p}`);
      return [o.summary, ...skipped, ...unread].join('');
    }
    case 'rollback': {
      const o = await run('rollback', { service: intent.service, revision: intent.revision });
      if (o.status !== 'done') return failure(o, 'Traffic was not changed.');
      return `Rolled back ${o.response.service as string}: ${o.response.servingRevision as string} now gets 100% of traffic.`;
    }
    case 'traffic': {
      const o = await run('send_traffic', { service: intent.service, revision: intent.revision });
      if (o.status !== 'done') return failure(o, 'Traffic was not changed.');
      return `${o.response.servingRevision as string} now gets 100% of the traffic of ${o.response.service as string}.`;
    }
    case 'services': {
      const o = await run('list_services', {});
      if (o.status !== 'done') return failure(o);
      const list = o.response.services as { service: string; uri?: string; latestReadyRevision?: string }[];
      if (!list.length) return `No Cloud Run services in ${o.response.project as string} / ${o.response.region as string}.`;
      return `Services in ${o.response.project as string} / ${o.response.region as string}:\n${list.map((s) => `• ${s.service} — ${s.uri ?? 'no URL'}${s.latestReadyRevision ? ` (${s.latestReadyRevision})` : ''}`).join('\n')}`;
    }
    case 'revisions': {
      const o = await run('list_revisions', { service: intent.service });
      if (o.status !== 'done') return failure(o);
      const list = o.response.revisions as { revision: string; percent: number; ready: boolean; createTime?: string }[];
      if (!list.length) return `${o.response.service as string} has no revisions.`;
      return `Revisions of ${o.response.service as string}, newest first:\n${list.map((r) => `• ${r.revision}${r.percent ? ` — ${r.percent}% traffic` : ''}${r.ready ? '' : ' (not ready)'}${r.createTime ? `, ${r.createTime}` : ''}`).join('\n')}`;
    }
  }
}

/** Where the config tool is not registered: say what would change and how to do it now. */
function configReply(intent: Extract<ChatIntent, { kind: 'config' }>): string {
  const name = intent.service ?? 'SERVICE';
  const flags: string[] = [];
  const what: string[] = [];
  if (intent.public !== undefined) {
    what.push(intent.public ? 'make it public' : 'make it private');
    flags.push(intent.public ? '--no-invoker-iam-check' : '--invoker-iam-check');
  }
  if (intent.minInstances !== undefined) {
    what.push(`min instances ${intent.minInstances}`);
    flags.push(`--min-instances=${intent.minInstances}`);
  }
  if (intent.maxInstances !== undefined) {
    what.push(`max instances ${intent.maxInstances}`);
    flags.push(`--max-instances=${intent.maxInstances}`);
  }
  if (intent.memory !== undefined) {
    what.push(`memory ${intent.memory}`);
    flags.push(`--memory=${intent.memory}`);
  }
  return [
    `Nothing was changed: without the AI I do not change a service's settings (${what.join(', ')}).`,
    `To do it now: \`gcloud run services update ${name} ${flags.join(' ')}\`${intent.service ? '' : ' (with your service name)'}.`,
    'Or turn on the AI ("Devgem: Set Gemini API Key", or `devgem.ai.vertexProject`) and ask again: it shows the change on a card before applying it.',
  ].join('\n');
}

/** The tool's diff in a few lines: counts, the first paths of each kind, and the commits. */
function describeChanges(r: Record<string, unknown>): string {
  if (!r.deployed) return r.message as string;
  const last = r.lastDeploy as { at: string; commit?: string; branch?: string };
  const now = r.current as { commit?: string; branch?: string; dirty?: boolean };
  const counts = r.counts as { added: number; removed: number; modified: number };
  const commit = (c?: string, b?: string) => (c ? `${c.slice(0, 7)}${b ? ` on ${b}` : ''}` : 'no commit');
  const head = `Last deploy: ${last.at}, ${commit(last.commit, last.branch)}. Now: ${commit(now.commit, now.branch)}${now.dirty ? ' with uncommitted changes' : ''}.`;
  if (counts.added + counts.removed + counts.modified === 0) return `${head}\nNo file changed since the last deploy.`;
  const list = (label: string, n: number, paths: string[]) => (n ? `\n${label} (${n}): ${paths.slice(0, 10).join(', ')}${n > 10 ? ', …' : ''}` : '');
  return `${head}${list('Modified', counts.modified, r.modified as string[])}${list('Added', counts.added, r.added as string[])}${list('Removed', counts.removed, r.removed as string[])}`;
}

function failure(o: ToolOutcome, declined = 'Nothing was changed.'): string {
  if (o.status === 'declined') return `OK — ${declined}`;
  return (o.response.error as string | undefined) ?? o.summary;
}

function dropUndefined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

/** The last deploy in a sentence or two. */
export function describeDeploy(d: DeployState | undefined): string {
  if (!d) return 'Nothing has been deployed from this workspace yet. Say "deploy this".';
  const r = d.result;
  if (!r) return 'A deploy is running; follow it in the tracker above.';
  const service = d.target?.service ?? 'the service';
  switch (r.outcome) {
    case 'success':
      return `Deployed ${service} to ${r.url}${r.revision ? ` (revision ${r.revision})` : ''}.`;
    case 'private':
      return `Deployed ${service} to ${r.url}, but it is not public: ${r.problem.message}${r.problem.fix ? `\nFix: ${r.problem.fix}` : ''}`;
    case 'failed':
      return `The deploy failed at "${STAGE_TITLES[r.stage]}": ${r.problem.message}${r.problem.fix ? `\nFix: ${r.problem.fix}` : ''}`;
    case 'cancelled':
      return `The deploy was cancelled during "${STAGE_TITLES[r.stage]}".`;
  }
}
