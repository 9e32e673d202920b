// Deploy states for the browser test, made the way the host makes them: by
// folding DeployEvents through reduceDeploy.
import { reduceDeploy } from '../../src/shared/deployState';
import {
  DEPLOY_STAGES,
  type ChatMessage,
  type DeployEvent,
  type DeployResult,
  type DeployStage,
  type DeployState,
  type Problem,
  type ViewSnapshot,
} from '../../src/shared/protocol';

export const SERVICE_URL = 'https://hello-world-abc123-uc.a.run.app';
export const REVISION = 'hello-world-00001-xyz';

const TARGET = { project: 'devgem-demo', region: 'us-central1', service: 'hello-world' };

const DETAILS: Partial<Record<DeployStage, string>> = {
  preflight: 'devgem-demo · us-central1',
  analyze: 'Node.js 20 (npm start)',
  dockerfile: 'Generated Dockerfile',
  package: '42 files, 18 KB',
  upload: 'gs://devgem-demo_cloudbuild/source/1.tgz',
  build: 'Cloud Build 7f3e…',
  deploy: REVISION,
  expose: 'allUsers can invoke',
  verify: 'HTTP 200 in 180 ms',
};

/** The events of a deploy that runs every stage, logging during the build. */
export function deployEvents(t0: number, options: { upTo?: DeployStage; buildLog?: string[] } = {}): DeployEvent[] {
  const events: DeployEvent[] = [{ type: 'started', deployId: `d-${t0}`, workspace: '/home/me/hello-world', at: t0 }];
  let at = t0;
  for (const stage of DEPLOY_STAGES) {
    events.push({ type: 'stage', stage, status: 'running', at: (at += 300) });
    if (stage === 'preflight') events.push({ type: 'target', target: TARGET });
    if (stage === 'dockerfile') {
      events.push({ type: 'dockerfile', path: 'Dockerfile', generated: true, content: 'FROM node:20-slim\n' });
    }
    if (stage === 'build') {
      const lines = options.buildLog ?? buildLogLines(12);
      for (let i = 0; i < lines.length; i += 4) events.push({ type: 'log', stage, lines: lines.slice(i, i + 4) });
    }
    if (stage === options.upTo) return events;
    events.push({ type: 'stage', stage, status: 'done', detail: DETAILS[stage], at: (at += stage === 'build' ? 41_000 : 1_200) });
  }
  const result: DeployResult = { outcome: 'success', url: SERVICE_URL, revision: REVISION, image: 'us-docker.pkg.dev/x/y/z:1' };
  events.push({ type: 'finished', result, at: at + 100 });
  return events;
}

export function buildLogLines(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `Step ${from + i}/${from + n - 1} : RUN npm ci --omit=dev  # line ${from + i}`);
}

/** Every intermediate state, one per event, as the host would snapshot them. */
export function fold(events: DeployEvent[], from?: DeployState): DeployState[] {
  const states: DeployState[] = [];
  let state = from;
  for (const event of events) {
    state = reduceDeploy(state, event);
    if (state) states.push(state);
  }
  return states;
}

export function finalState(events: DeployEvent[], from?: DeployState): DeployState {
  const states = fold(events, from);
  return states[states.length - 1];
}

/** `running` (stopped in the build stage) followed by a failed build. */
export function failedBuild(running: DeployState, at: number, problem: Problem): DeployState {
  return finalState(
    [
      { type: 'stage', stage: 'build', status: 'failed', detail: 'Step 4/6 failed', at },
      { type: 'finished', at: at + 100, result: { outcome: 'failed', stage: 'build', problem } },
    ],
    running,
  );
}

export function snapshot(version: number, deploy: DeployState | undefined, chat: ChatMessage[] = []): ViewSnapshot {
  return { version, deploy, busy: Boolean(deploy && !deploy.result), chat };
}

export function chatMessage(id: string, role: ChatMessage['role'], text: string): ChatMessage {
  return { id, role, text, at: 0 };
}
