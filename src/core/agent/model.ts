// The agent's view of a language model. The Gemini adapter implements it with
// @google/genai; tests drive it through the local emulator's Gemini endpoint.
// No SDK type crosses here.

/** JSON Schema subset used for tool arguments (see schema.ts for what is checked). */
export interface JsonSchema {
  type: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  maxProperties?: number;
}

export interface FunctionCall {
  /** Set by some model versions; echoed back in the matching response. */
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface FunctionResponse {
  id?: string;
  name: string;
  response: Record<string, unknown>;
}

export interface ModelPart {
  text?: string;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  /** Opaque thought signature some models require echoed back with their function calls. */
  thoughtSignature?: string;
}

export interface ModelTurn {
  role: 'user' | 'model';
  parts: ModelPart[];
}

export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ModelRequest {
  system: string;
  turns: ModelTurn[];
  tools: ToolDeclaration[];
}

/** One streamed piece of the model's reply. */
export interface ModelChunk {
  /** Text to append to the reply. */
  text?: string;
  functionCalls?: FunctionCall[];
  /** Parts exactly as the model sent them (kept in history, with thought signatures). */
  parts?: ModelPart[];
  usage?: TokenUsage;
  /** Why the model stopped: STOP, MAX_TOKENS, SAFETY, MALFORMED_FUNCTION_CALL … (Gemini's names; other adapters map to them). */
  finishReason?: string;
  /** The model's own words on why it stopped, when it gives any. */
  finishMessage?: string;
  /** Set when the request itself was refused (Gemini's promptFeedback.blockReason: SAFETY, OTHER, BLOCKLIST …). */
  blockReason?: string;
  blockMessage?: string;
}

/** Tokens one model call used, as the model reports them. */
export interface TokenUsage {
  promptTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export interface ModelPort {
  /** e.g. "gemini-2.5-flash (Vertex AI)" — shown to the user. */
  readonly label: string;
  /** How many input tokens one request may hold, when the adapter knows; the agent budgets its context from it. */
  readonly inputTokenLimit?: number;
  /** Streams one model reply. Aborting `signal` ends the stream with a CancelledError. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk>;
}

/**
 * How a model call failed, in terms the retry policy needs. Adapters throw
 * this (never an SDK error) for HTTP failures from the model API.
 */
const BRAND = Symbol.for('devgem.ModelCallError');

export class ModelCallError extends Error {
  // dist/model.js carries its own copy of this class; the brand makes
  // `instanceof` recognise errors from either copy (as DevgemError does).
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ModelCallError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;

  constructor(
    message: string,
    /** HTTP status (429, 503, 400, 403 …); undefined for network errors. */
    readonly status: number | undefined,
    /** Server-suggested wait (Retry-After), if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }

  /** 429, 500, 503, 504 and network errors are worth another try. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status === 500 || this.status === 503 || this.status === 504;
  }
}
