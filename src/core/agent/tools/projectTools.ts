import { DevgemError } from '../../base/errors';
import { bounded } from '../../base/wait';
import { resolveTarget } from '../../deploy/target';
import type { AgentContext } from '../context';
import type { AgentTool } from '../registry';
import { assertStill, moved, pinOf } from './pinned';

const CALL_MS = 60_000;
export const PROJECT_PATTERN = '^[a-z][a-z0-9-]{4,28}[a-z0-9]$';

export function listProjectsTool(): AgentTool<{ filter?: string }, AgentContext> {
  return {
    name: 'list_projects',
    description: 'The Google Cloud projects the signed-in account can see (Resource Manager), and which one Devgem deploys to now.',
    parameters: {
      type: 'object',
      properties: { filter: { type: 'string', maxLength: 100, description: 'Only projects whose ID or name holds this text.' } },
    },
    risk: 'read',
    run: async (args, ctx, signal) => {
      const all = await bounded('Listing projects', CALL_MS, signal, (s) => ctx.cloud().preflight.listProjects(s));
      const f = args.filter?.toLowerCase();
      const projects = all.filter((p) => !f || p.projectId.includes(f) || (p.name ?? '').toLowerCase().includes(f)).slice(0, 200);
      const current = await resolveTarget(ctx.deployOptions({ folderOptional: true }))
        .then((r) => r.target.project)
        .catch(() => undefined);
      return { data: { current, projects }, summary: `${projects.length} project${projects.length === 1 ? '' : 's'}` };
    },
  };
}

function currentProject(ctx: AgentContext): Promise<string> {
  return resolveTarget(ctx.deployOptions({ folderOptional: true }))
    .then((r) => r.target.project)
    .catch(() => 'not set');
}

export function chooseProjectTool(): AgentTool<{ project: string }, AgentContext> {
  return {
    name: 'choose_project',
    description: "Make a project the one Devgem deploys to and manages (the folder's devgem.project setting). Only when the user asks to switch projects.",
    parameters: {
      type: 'object',
      properties: { project: { type: 'string', pattern: PROJECT_PATTERN, description: 'A project ID from list_projects.' } },
      required: ['project'],
    },
    risk: 'write',
    confirmation: async (args, ctx, signal) => {
      const known = await bounded('Listing projects', CALL_MS, signal, (s) => ctx.cloud().preflight.listProjects(s));
      const p = known.find((k) => k.projectId === args.project);
      if (!p)
        throw new DevgemError('not-found', `The account cannot see a project "${args.project}".`, {
          fix: `Use one of: ${known
            .slice(0, 10)
            .map((k) => k.projectId)
            .join(', ')}.`,
        });
      const before = await currentProject(ctx);
      return {
        pin: before,
        title: `Use project ${args.project}`,
        approveLabel: 'Use Project',
        details: [
          { label: 'Project', value: `${before} → ${args.project}${p.name ? ` (${p.name})` : ''}` },
          { label: 'Setting', value: 'devgem.project of this folder' },
        ],
      };
    },
    run: async (args, ctx, _signal, pinned) => {
      // The switch the card showed: a project changed meanwhile (another window, the settings) is refused.
      assertStill('The current project', [moved('it went from', pinOf<string>(pinned, 'choose_project'), await currentProject(ctx))]);
      if (!ctx.chooseProject)
        throw new DevgemError('failed-precondition', 'Switching projects is not available here.', { fix: 'Set "devgem.project" in Settings.' });
      await ctx.chooseProject(args.project);
      return { data: { project: args.project }, summary: `Project: ${args.project}` };
    },
  };
}

export function cancelDeployTool(): AgentTool<Record<string, never>, AgentContext> {
  return {
    name: 'cancel_deploy',
    description: 'Cancel the deploy that is running now (its Cloud Build build is cancelled too). Only when the user asks to stop the deploy.',
    parameters: { type: 'object', properties: {} },
    risk: 'write',
    confirmation: async (_args, ctx) => {
      const d = ctx.lastDeploy();
      if (!d || d.result) throw new DevgemError('failed-precondition', 'No deploy is running, so there is nothing to cancel.');
      const stage = Object.entries(d.stages).find(([, s]) => s.status === 'running')?.[0] ?? 'starting';
      return {
        pin: d.deployId,
        title: `Cancel the running deploy${d.target ? ` of ${d.target.service}` : ''}`,
        approveLabel: 'Cancel Deploy',
        details: [
          { label: 'Deploy', value: d.deployId },
          { label: 'Now', value: `${stage} → cancelled; the live service keeps serving what it serves` },
        ],
      };
    },
    run: async (_args, ctx, _signal, pinned) => {
      // Only the deploy the card named: one that ended, or a new one started meanwhile, is not cancelled.
      const deployId = pinOf<string>(pinned, 'cancel_deploy');
      const d = ctx.lastDeploy();
      const now = d && !d.result ? d.deployId : undefined;
      assertStill('The running deploy', [now !== deployId && (now ? `${deployId} ended and ${now} runs now` : `${deployId} is no longer running`)]);
      const cancelled = ctx.cancelDeploy?.() ?? false;
      return {
        data: { cancelled, message: cancelled ? 'The deploy is being cancelled.' : 'No deploy was running.' },
        summary: cancelled ? 'Cancelling the deploy' : 'No deploy running',
      };
    },
  };
}
