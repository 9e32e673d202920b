// run_locally: the chat's "run it locally" (Devgem: Run Locally). It builds an
// image and starts a container on the user's machine, so it is a write tool:
// it runs only after the user's click on its card.
import { DevgemError } from '../../base/errors';
import type { AgentContext } from '../context';
import type { AgentTool } from '../registry';
import { assertStill, moved, pinOf } from './pinned';

export function runLocallyTool(): AgentTool<Record<string, never>, AgentContext> {
  return {
    name: 'run_locally',
    description:
      "Build the workspace's image exactly as a deploy would (same Dockerfile and ignore rules) with the user's local Docker or Podman, run it on a 127.0.0.1 port with PORT and the service's plain env vars, and return the local URL. Nothing is deployed.",
    parameters: { type: 'object', properties: {} },
    risk: 'write',
    confirmation: async (_args, ctx) => {
      const opts = ctx.deployOptions();
      return {
        pin: opts.workspaceRoot,
        title: 'Build and run this folder locally?',
        approveLabel: 'Run Locally',
        details: [
          { label: 'Folder', value: opts.workspaceRoot },
          { label: 'Engine', value: 'your local Docker or Podman' },
          {
            label: 'Effect',
            value: 'Builds an image and starts a container on 127.0.0.1; stop it from the notification or "Devgem: Stop Local Run". Nothing is deployed.',
          },
        ],
      };
    },
    run: async (_args, ctx, signal, pinned) => {
      // The folder the card named: another folder made current meanwhile is not built.
      assertStill('The folder to run', [moved('it went from', pinOf<string>(pinned, 'run_locally'), ctx.deployOptions().workspaceRoot)]);
      if (!ctx.runLocally)
        throw new DevgemError('failed-precondition', 'Running locally is not available here.', { fix: 'Use "Devgem: Run Locally" in VS Code.' });
      const r = await ctx.runLocally(signal);
      return { data: { url: r.url, engine: r.engine, app: r.app }, summary: `Running at ${r.url}` };
    },
  };
}
