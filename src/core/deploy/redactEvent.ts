import type { DeployEvent, DeployResult, Problem } from '../../shared/protocol';
import { redactText } from '../base/redact';

function redactProblem(p: Problem): Problem {
  return {
    ...p,
    message: redactText(p.message),
    ...(p.fix !== undefined ? { fix: redactText(p.fix) } : {}),
    ...(p.logTail ? { logTail: p.logTail.map(redactText) } : {}),
  };
}

function redactResult(r: DeployResult): DeployResult {
  return r.outcome === 'failed' || r.outcome === 'private' ? { ...r, problem: redactProblem(r.problem) } : r;
}

/**
 * A deploy event with its free text redacted: stage details, build log lines,
 * the Dockerfile shown, the failure. Every sink (the output channel, the
 * tracker and its log view, the saved snapshot, the CLI) gets events through
 * the pipeline's `emit`, which applies this once. Ids, URLs and the resume
 * data are structure, not prose, and pass as they are.
 */
export function redactEvent(e: DeployEvent): DeployEvent {
  switch (e.type) {
    case 'stage':
      return e.detail === undefined ? e : { ...e, detail: redactText(e.detail) };
    case 'log':
      return { ...e, lines: e.lines.map(redactText) };
    case 'dockerfile':
      return { ...e, content: redactText(e.content) };
    case 'finished':
      return { ...e, result: redactResult(e.result) };
    default:
      return e;
  }
}
