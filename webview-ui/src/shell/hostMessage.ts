import { DEPLOY_STAGES, MAX_VIEW_LOG_LINES, type HostMessage, type ViewSnapshot } from '../../../src/shared/protocol';

// `message` events can come from anything that can reach this frame, and a
// restored `getState()` value may come from an older build of this UI. Both are
// checked for the shape the renderers rely on before anything is drawn.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isDeployState(v: unknown): boolean {
  if (!isObj(v)) return false;
  const { target, stages } = v;
  if (typeof v.deployId !== 'string' || typeof v.startedAt !== 'number') return false;
  if (target !== undefined && (!isObj(target) || typeof target.service !== 'string')) return false;
  if (!isObj(stages) || !DEPLOY_STAGES.every((s) => isObj(stages[s]) && typeof stages[s].status === 'string')) {
    return false;
  }
  if (!isStringArray(v.log) || typeof v.droppedLogLines !== 'number') return false;
  if (
    v.build !== undefined &&
    (!isObj(v.build) || typeof v.build.id !== 'string' || (v.build.consoleUrl !== undefined && typeof v.build.consoleUrl !== 'string'))
  )
    return false;
  return v.result === undefined || (isObj(v.result) && typeof v.result.outcome === 'string');
}

function isToolCard(v: unknown): boolean {
  return (
    isObj(v) &&
    ['callId', 'name', 'risk', 'status', 'args'].every((k) => typeof v[k] === 'string') &&
    (v.summary === undefined || typeof v.summary === 'string')
  );
}

function isChat(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (m) => isObj(m) && typeof m.id === 'string' && typeof m.role === 'string' && typeof m.text === 'string' && (m.tool === undefined || isToolCard(m.tool)),
    )
  );
}

function isAgentStatus(v: unknown): boolean {
  return isObj(v) && typeof v.busy === 'boolean' && typeof v.mode === 'string' && (v.model === undefined || typeof v.model === 'string');
}

/** The card posts `id` and `token` back verbatim, so both must really be strings. */
function isConfirmation(v: unknown): boolean {
  return (
    isObj(v) &&
    ['id', 'token', 'tool', 'risk', 'title', 'approveLabel'].every((k) => typeof v[k] === 'string') &&
    Array.isArray(v.details) &&
    v.details.every((d) => isObj(d) && typeof d.label === 'string' && typeof d.value === 'string') &&
    (v.diff === undefined || typeof v.diff === 'string') &&
    (v.diffEditor === undefined || typeof v.diffEditor === 'boolean')
  );
}

export function isViewSnapshot(v: unknown): v is ViewSnapshot {
  return (
    isObj(v) &&
    typeof v.version === 'number' &&
    Number.isFinite(v.version) &&
    typeof v.busy === 'boolean' &&
    isChat(v.chat) &&
    (v.deploy === undefined || isDeployState(v.deploy)) &&
    (v.agent === undefined || isAgentStatus(v.agent)) &&
    (v.confirmation === undefined || isConfirmation(v.confirmation)) &&
    (v.emulator === undefined || typeof v.emulator === 'boolean')
  );
}

/** Streamed build log lines: `from` is a line index, so a whole non-negative number. */
function isLogMessage(v: Obj): boolean {
  return (
    typeof v.deployId === 'string' &&
    Number.isSafeInteger(v.from) &&
    (v.from as number) >= 0 &&
    Array.isArray(v.lines) &&
    v.lines.length <= MAX_VIEW_LOG_LINES &&
    isStringArray(v.lines)
  );
}

/** The form writes these values into its fields, and shows the error's text. */
function isDeployConfigMessage(v: Obj): boolean {
  const { reply } = v;
  if (!isObj(reply) || typeof reply.file !== 'string' || (v.open !== undefined && typeof v.open !== 'boolean')) return false;
  const { config, error } = reply;
  if (config !== undefined && !isObj(config)) return false;
  if (reply.saved !== undefined && typeof reply.saved !== 'boolean') return false;
  return (
    error === undefined ||
    (isObj(error) &&
      typeof error.message === 'string' &&
      (error.field === undefined || typeof error.field === 'string') &&
      (error.fix === undefined || typeof error.fix === 'string'))
  );
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObj(v)) return false;
  if (v.type === 'log') return isLogMessage(v);
  if (v.type === 'deployConfig') return isDeployConfigMessage(v);
  return v.type === 'snapshot' && isViewSnapshot(v.snapshot);
}
