import { DEPLOY_STAGES, MAX_LOG_LINES, type DeployEvent, type DeployStage, type DeployState, type StageState } from './protocol';

function initialStages(): Record<DeployStage, StageState> {
  const stages = {} as Record<DeployStage, StageState>;
  for (const stage of DEPLOY_STAGES) stages[stage] = { status: 'pending' };
  return stages;
}

/**
 * Folds one deploy event into the tracker state. Pure, so the host, the status
 * bar and tests all agree on what a sequence of events means.
 */
export function reduceDeploy(state: DeployState | undefined, event: DeployEvent): DeployState | undefined {
  if (event.type === 'started') {
    return {
      deployId: event.deployId,
      workspace: event.workspace,
      startedAt: event.at,
      stages: initialStages(),
      log: [],
      droppedLogLines: 0,
      ...(event.request ? { request: event.request } : {}),
    };
  }
  if (!state) return state;
  switch (event.type) {
    case 'stage': {
      const prev = state.stages[event.stage];
      const running = event.status === 'running';
      const next: StageState = {
        status: event.status,
        detail: event.detail ?? prev.detail,
        startedAt: running ? (prev.startedAt ?? event.at) : (prev.startedAt ?? event.at),
        endedAt: running ? undefined : event.at,
      };
      return { ...state, stages: { ...state.stages, [event.stage]: next } };
    }
    case 'log': {
      const log = state.log.concat(event.lines);
      const overflow = Math.max(0, log.length - MAX_LOG_LINES);
      return {
        ...state,
        log: overflow ? log.slice(overflow) : log,
        droppedLogLines: state.droppedLogLines + overflow,
      };
    }
    case 'target':
      return { ...state, target: event.target };
    case 'dockerfile':
      return { ...state, dockerfile: { path: event.path, generated: event.generated } };
    case 'build':
      return { ...state, build: { id: event.id, consoleUrl: event.consoleUrl, logObject: event.logObject } };
    case 'source':
      return {
        ...state,
        source: { commit: event.commit, branch: event.branch, dirty: event.dirty, ...(event.repository ? { repository: event.repository } : {}) },
      };
    case 'resume':
      return { ...state, resume: event.data };
    case 'finished':
      return { ...state, result: event.result, endedAt: event.at };
  }
}

/** The stage a deploy is in now (or ended in), for the status bar. */
export function currentStage(state: DeployState): DeployStage | undefined {
  let last: DeployStage | undefined;
  for (const stage of DEPLOY_STAGES) {
    const s = state.stages[stage].status;
    if (s === 'running' || s === 'failed' || s === 'cancelled') return stage;
    if (s !== 'pending') last = stage;
  }
  return last;
}
