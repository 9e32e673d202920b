// Entry of dist/model.js: the host requires it when the agent first needs a
// model, so activation never parses @google/genai.
import type { ModelPort } from '../../core/agent/model';
import { createGeminiModels, type GeminiConfig } from './geminiModel';

export type { GeminiConfig } from './geminiModel';

/** The configured Gemini backends as model ports, Vertex AI first, then the API key. */
export function createModelPorts(config: GeminiConfig): ModelPort[] {
  return createGeminiModels(config);
}
