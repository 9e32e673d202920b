import { compactOldResults } from './compaction';
import { contextBudget } from './contextBudget';
import type { Conversation } from './conversation';
import type { ModelPort, ModelRequest, ModelTurn, ToolDeclaration } from './model';
import { charsForTokens, estimateTokens } from './tokens';

/** What a request is built from (a part of the agent turn's options). */
export interface RequestSources {
  model: ModelPort;
  registry: { declarations(): ToolDeclaration[] };
  conversation: Conversation;
  system(earlier: readonly string[]): string;
  inputTokenLimit?: number;
}

export type BuiltRequest = { kind: 'ok'; request: ModelRequest; tokens: number } | { kind: 'over-budget'; message: string };

/** Room for the one-line summaries of the exchanges this request trims. */
const TRIMMED_SUMMARY_TOKENS = 2_000;

/**
 * The next model request within the model's context budget: the system
 * prompt, the tools and the newest whole exchanges that fit (older ones are
 * summarised, old tool results compacted). When the current exchange alone
 * is over the model's limit, its older results are compacted too; if even
 * that does not fit, the turn ends with a message instead of a request the
 * model would refuse.
 */
export function buildRequest(o: RequestSources, correction?: ModelTurn[]): BuiltRequest {
  const budget = contextBudget(o.model.inputTokenLimit ?? o.inputTokenLimit);
  const tools = o.registry.declarations();
  const earlier = o.conversation.earlier;
  const fixed = estimateTokens(tools) + estimateTokens(o.system(earlier)) + TRIMMED_SUMMARY_TOKENS + (correction ? estimateTokens(correction) : 0);
  const { turns, trimmed } = o.conversation.forModel(charsForTokens(budget.target - fixed));
  const system = o.system([...earlier, ...trimmed]);
  const size = (t: ModelTurn[]) => estimateTokens(system) + estimateTokens(tools) + estimateTokens(t);
  let sent = correction ? appendTurns(turns, correction) : turns;
  if (size(sent) > budget.limit) sent = compactOldResults(sent, 1);
  const tokens = size(sent);
  if (tokens > budget.limit) {
    return {
      kind: 'over-budget',
      message:
        `This conversation no longer fits in what ${o.model.label} can read at once: about ${tokens.toLocaleString('en-US')} tokens, ` +
        `over its budget of about ${budget.limit.toLocaleString('en-US')} even with older tool results shortened. ` +
        'Start a new chat (Devgem: New Chat), or ask for less at a time (for example only the errors of a log, or one file).',
    };
  }
  return { kind: 'ok', request: { system, turns: sent, tools }, tokens };
}

/** Appends turns, merging into the last one when the roles match (the model API wants roles to alternate). */
function appendTurns(turns: ModelTurn[], extra: ModelTurn[]): ModelTurn[] {
  const out = [...turns];
  for (const t of extra) {
    const last = out[out.length - 1];
    if (last && last.role === t.role) out[out.length - 1] = { role: last.role, parts: [...last.parts, ...t.parts] };
    else out.push(t);
  }
  return out;
}
