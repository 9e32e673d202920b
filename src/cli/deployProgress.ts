import { cliWording } from './cliWording';
import type { DeployEvent, DeployResult, DeployStage, ServiceRef, StageStatus } from '../shared/protocol';

// The deploy's event stream as plain lines for a terminal or a CI log: one line
// per stage change and per build log line, each prefixed with its stage, so
// `grep '^\[build\]'` finds the build. No colours or redraws: the output is
// read by people and scripts alike, often long after it was written.

export interface StageSummary {
  status: StageStatus;
  detail?: string;
}

export interface DeployProgress {
  emit(event: DeployEvent): void;
  deployId?: string;
  target?: ServiceRef;
  stages: Partial<Record<DeployStage, StageSummary>>;
  result?: DeployResult;
}

export function deployProgress(write: (line: string) => void): DeployProgress {
  let shownTarget = '';
  const progress: DeployProgress = {
    stages: {},
    emit(event) {
      switch (event.type) {
        case 'started':
          progress.deployId = event.deployId;
          write(`Deploying ${event.workspace} (deploy ${event.deployId})`);
          return;
        case 'target': {
          progress.target = event.target;
          const t = event.target;
          const shown = `${t.service} in ${t.project}/${t.region}`;
          if (shown !== shownTarget) write(`Target: Cloud Run service ${shown}`);
          shownTarget = shown;
          return;
        }
        case 'stage':
          progress.stages[event.stage] = { status: event.status, detail: cliWording(event.detail) };
          write(`[${event.stage}] ${event.status}${event.detail ? `: ${oneLine(cliWording(event.detail))}` : ''}`);
          return;
        case 'log':
          for (const line of event.lines) write(`[${event.stage}] ${line.replace(/\r?\n$/, '')}`);
          return;
        case 'build':
          if (event.consoleUrl) write(`[build] Cloud Build ${event.id}: ${event.consoleUrl}`);
          return;
        case 'finished':
          progress.result = event.result;
          return;
        default:
          // source, dockerfile, resume: the tracker's business; the stage lines say enough here.
          return;
      }
    },
  };
  return progress;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
