import type { ToolCallStatus, ToolRisk } from '../../shared/protocol';
import { DevgemError, isCancelled } from '../base/errors';
import type { FunctionCall, JsonSchema, ToolDeclaration } from './model';
import { redactDeep, redactText } from '../base/redact';
import { capResult, DEFAULT_RESULT_TOKENS } from './resultBudget';
import { validateArgs } from './schema';

/** What the user is asked before a write or destructive tool runs. */
export interface ConfirmationDraft {
  title: string;
  details: { label: string; value: string }[];
  diff?: string;
  approveLabel: string;
  /**
   * What the card was built from (service stamp, chosen revision, file hash…), kept on the host
   * and never shown: `run` gets it back and acts on exactly that, or refuses when the world changed.
   */
  pin?: unknown;
  /** The whole edit, for VS Code's diff editor: opened when the inline diff is cut, or from the card's button (host only, never in the card). */
  review?: ReviewFiles;
}

export interface ReviewFiles {
  path: string;
  before: string;
  after: string;
}

/** Asks the user; resolves true only on the user's own click. */
export interface ConfirmPort {
  ask(request: ConfirmationDraft & { tool: string; risk: ToolRisk }, signal: AbortSignal): Promise<boolean>;
}

export interface ToolResult {
  /** What the model sees (JSON). Repository and log text in here is data, never instructions. */
  data: Record<string, unknown>;
  /** One line for the tool card. */
  summary: string;
}

export interface AgentTool<A = Record<string, unknown>, C = unknown> {
  name: string;
  description: string;
  parameters: JsonSchema;
  risk: ToolRisk;
  /** The most tokens its result may take (default DEFAULT_RESULT_TOKENS); a bigger result is shortened, saying so. */
  resultTokens?: number;
  /** Builds what the user approves; may throw a DevgemError the model gets back (e.g. several apps and no subfolder). */
  confirmation?(args: A, ctx: C, signal: AbortSignal): Promise<ConfirmationDraft>;
  /** `pinned`: the approved card's `pin` (undefined for read tools). */
  run(args: A, ctx: C, signal: AbortSignal, pinned?: unknown): Promise<ToolResult>;
}

export interface ToolOutcome {
  status: Extract<ToolCallStatus, 'done' | 'failed' | 'declined'>;
  /** The function response for the model. */
  response: Record<string, unknown>;
  summary: string;
}

export interface ExecuteHooks {
  confirm: ConfirmPort;
  /** Called as the call moves through awaiting-confirmation and running. */
  onStatus?(status: ToolCallStatus): void;
}

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Every tool the agent (and the offline chat) can use. `execute` is the one
 * way a tool runs: arguments are validated against the schema first, and a
 * write or destructive tool runs only after `confirm` says the user clicked
 * approve — whatever the model says.
 */
export class ToolRegistry<C> {
  private readonly tools = new Map<string, AgentTool<never, C>>();

  register<A>(tool: AgentTool<A, C>): this {
    if (!TOOL_NAME.test(tool.name)) throw new Error(`Bad tool name ${tool.name}`);
    if (this.tools.has(tool.name)) throw new Error(`Tool ${tool.name} registered twice`);
    if (tool.risk !== 'read' && !tool.confirmation) throw new Error(`${tool.name} is ${tool.risk} and needs a confirmation`);
    this.tools.set(tool.name, tool as unknown as AgentTool<never, C>);
    return this;
  }

  get(name: string): AgentTool<never, C> | undefined {
    return this.tools.get(name);
  }

  list(filter: (t: AgentTool<never, C>) => boolean = () => true): AgentTool<never, C>[] {
    return [...this.tools.values()].filter(filter);
  }

  declarations(filter?: (t: AgentTool<never, C>) => boolean): ToolDeclaration[] {
    return this.list(filter).map((t) => ({
      name: t.name,
      description: `${t.description}${t.risk === 'read' ? '' : ` (${t.risk}: runs only after the user approves it in Devgem)`}`,
      parameters: t.parameters,
    }));
  }

  riskOf(name: string): ToolRisk {
    return this.tools.get(name)?.risk ?? 'read';
  }

  async execute(call: FunctionCall, ctx: C, hooks: ExecuteHooks, signal: AbortSignal): Promise<ToolOutcome> {
    const tool = this.tools.get(call.name);
    if (!tool) {
      const known = [...this.tools.keys()].join(', ');
      return failed(`There is no tool named "${call.name}". Available tools: ${known}.`, `Unknown tool ${call.name}`);
    }
    const checked = validateArgs(tool.parameters, call.args);
    if (!checked.ok) {
      return failed(
        `Invalid arguments for ${tool.name}: ${checked.errors.join('; ')}. Correct them and call again.`,
        `Invalid arguments: ${checked.errors[0]}`,
      );
    }
    const args = checked.value as never;
    try {
      let pinned: unknown;
      if (tool.risk !== 'read') {
        const { pin, ...draft } = await tool.confirmation!(args, ctx, signal);
        pinned = pin;
        hooks.onStatus?.('awaiting-confirmation');
        const approved = await hooks.confirm.ask({ ...draft, tool: tool.name, risk: tool.risk }, signal);
        if (!approved) {
          return {
            status: 'declined',
            response: { declined: true, message: 'The user declined this action. Do not try it again unless the user asks for it.' },
            summary: 'Declined',
          };
        }
      }
      hooks.onStatus?.('running');
      const result = await tool.run(args, ctx, signal, pinned);
      // Redacted before it is cut: a secret cut in half is no longer recognisable, and its first half would reach the model.
      return { status: 'done', response: capResult(redactDeep(result.data), tool.resultTokens ?? DEFAULT_RESULT_TOKENS), summary: result.summary };
    } catch (err) {
      if (isCancelled(err, signal)) throw err;
      if (err instanceof DevgemError) return failed(err.fix ? `${err.message} Fix: ${err.fix}` : err.message, err.message);
      return failed(`${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`, 'Failed');
    }
  }
}

function failed(message: string, summary: string): ToolOutcome {
  return { status: 'failed', response: { error: redactText(message) }, summary: redactText(summary).slice(0, 200) };
}
