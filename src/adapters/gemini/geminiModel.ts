// @google/genai is an ES module package with a CommonJS build; TypeScript sees
// only its ESM types, so the types come in as such and the value via require.
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { OAuth2Client } from 'google-auth-library';
import { inputTokenLimitOf } from '../../core/agent/contextBudget';
import type { ModelChunk, ModelPort, ModelRequest } from '../../core/agent/model';
import { toModelCallError } from './geminiErrors';
import { toChunk, toConfig, toContents } from './geminiMapping';

type GoogleGenAI = GenAI.GoogleGenAI;
type GoogleGenAIOptions = GenAI.GoogleGenAIOptions;
type GenerateContentResponse = GenAI.GenerateContentResponse;
const { GoogleGenAI } = require('@google/genai') as typeof GenAI;

export interface GeminiConfig {
  /** e.g. "gemini-2.5-flash" */
  model: string;
  /** Vertex AI with Application Default Credentials. */
  vertex?: { project: string; location: string };
  /** Gemini API key (Google AI Studio). */
  apiKey?: string;
  /** e.g. http://127.0.0.1:8090: the local emulator instead of Google. */
  emulatorBaseUrl?: string;
}

/** One model port per configured backend, in preference order: Vertex AI first, then the API key. */
export function createGeminiModels(config: GeminiConfig): ModelPort[] {
  const ports: ModelPort[] = [];
  if (config.vertex) ports.push(vertexModel(config, config.vertex));
  if (config.apiKey) ports.push(apiKeyModel(config, config.apiKey));
  return ports;
}

function httpOptions(config: GeminiConfig): GoogleGenAIOptions['httpOptions'] {
  // One attempt: resilientModel owns retries and fallback, and a hidden SDK
  // retry loop would make Stop and the backoff shown to the user lie.
  return { retryOptions: { attempts: 1 }, ...(config.emulatorBaseUrl ? { baseUrl: config.emulatorBaseUrl } : {}) };
}

function vertexModel(config: GeminiConfig, vertex: { project: string; location: string }): ModelPort {
  const options: GoogleGenAIOptions = { vertexai: true, project: vertex.project, location: vertex.location, httpOptions: httpOptions(config) };
  if (config.emulatorBaseUrl) {
    // The emulator takes any bearer token; a preset one keeps ADC lookups (and the metadata server) out of tests.
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 24 * 3600e3 });
    // @google/genai bundles its own google-auth-library; the client shapes match at run time.
    options.googleAuthOptions = { authClient: authClient as unknown as NonNullable<GoogleGenAIOptions['googleAuthOptions']>['authClient'] };
  }
  return new GeminiModel(`${config.model} (Vertex AI)`, config.model, new GoogleGenAI(options));
}

function apiKeyModel(config: GeminiConfig, apiKey: string): ModelPort {
  // vertexai: false explicitly, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot flip the backend.
  const ai = new GoogleGenAI({ vertexai: false, apiKey, httpOptions: httpOptions(config) });
  return new GeminiModel(`${config.model} (Gemini API key)`, config.model, ai, apiKey);
}

class GeminiModel implements ModelPort {
  // From a table, not models.get: that would be one more call (and one more failure) before the first reply.
  readonly inputTokenLimit: number;

  constructor(
    readonly label: string,
    private readonly model: string,
    private readonly ai: GoogleGenAI,
    /** Scrubbed from every error message. */
    private readonly secret?: string,
  ) {
    this.inputTokenLimit = inputTokenLimitOf(model);
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelChunk> {
    const fail = (err: unknown): Error => toModelCallError(err, this.label, signal, this.secret);
    let responses: AsyncGenerator<GenerateContentResponse>;
    try {
      responses = await this.ai.models.generateContentStream({ model: this.model, contents: toContents(request.turns), config: toConfig(request, signal) });
    } catch (err) {
      throw fail(err);
    }
    let done = false;
    try {
      while (true) {
        let next: IteratorResult<GenerateContentResponse>;
        try {
          next = await responses.next();
        } catch (err) {
          done = true;
          throw fail(err);
        }
        if (next.done) {
          done = true;
          return;
        }
        yield toChunk(next.value);
      }
    } finally {
      // The caller stopped reading early: let the SDK release the response body.
      if (!done) await responses.return(undefined).catch(() => undefined);
    }
  }
}
