import type { Content, GenerateContentConfig, GenerateContentResponse, Part } from '@google/genai' with { 'resolution-mode': 'import' };
import type { FunctionCall, ModelChunk, ModelPart, ModelRequest, ModelTurn } from '../../core/agent/model';

// Core's model types <-> the SDK's. Field names mostly match the REST API; the
// mapping exists so no SDK type leaks into core and so thoughts stay out of text.

export function toContents(turns: ModelTurn[]): Content[] {
  return turns.map((t) => ({ role: t.role, parts: t.parts.map(toSdkPart) }));
}

function toSdkPart(p: ModelPart): Part {
  const part: Part = {};
  if (p.text !== undefined) part.text = p.text;
  if (p.functionCall) part.functionCall = { ...p.functionCall };
  if (p.functionResponse) part.functionResponse = { ...p.functionResponse };
  if (p.thoughtSignature !== undefined) part.thoughtSignature = p.thoughtSignature;
  return part;
}

export function toConfig(request: ModelRequest, signal: AbortSignal): GenerateContentConfig {
  const config: GenerateContentConfig = { systemInstruction: request.system, abortSignal: signal };
  if (request.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })),
      },
    ];
  }
  return config;
}

export function toChunk(response: GenerateContentResponse): ModelChunk {
  const candidate = response.candidates?.[0];
  // Thought summaries are the model's reasoning, not its reply: ModelPart cannot
  // mark them, and echoing them back as text would read as something it said.
  const sdkParts = (candidate?.content?.parts ?? []).filter((p) => p.thought !== true);
  const parts = sdkParts.map(fromSdkPart).filter((p) => Object.keys(p).length > 0);
  const chunk: ModelChunk = {};
  const text = parts.map((p) => p.text ?? '').join('');
  if (text) chunk.text = text;
  const calls = parts.flatMap((p) => (p.functionCall ? [p.functionCall] : []));
  if (calls.length > 0) chunk.functionCalls = calls;
  if (parts.length > 0) chunk.parts = parts;
  const u = response.usageMetadata;
  if (u) chunk.usage = { promptTokens: u.promptTokenCount, outputTokens: u.candidatesTokenCount, totalTokens: u.totalTokenCount };
  if (candidate?.finishReason) chunk.finishReason = String(candidate.finishReason);
  if (candidate?.finishMessage) chunk.finishMessage = candidate.finishMessage;
  // A refused prompt comes back with promptFeedback and no candidate at all.
  const feedback = response.promptFeedback;
  if (feedback?.blockReason) {
    chunk.blockReason = String(feedback.blockReason);
    if (feedback.blockReasonMessage) chunk.blockMessage = feedback.blockReasonMessage;
  }
  return chunk;
}

function fromSdkPart(p: Part): ModelPart {
  const part: ModelPart = {};
  if (typeof p.text === 'string') part.text = p.text;
  if (p.functionCall?.name) {
    const call: FunctionCall = { name: p.functionCall.name, args: (p.functionCall.args ?? {}) as Record<string, unknown> };
    if (p.functionCall.id) call.id = p.functionCall.id;
    part.functionCall = call;
  }
  if (p.thoughtSignature) part.thoughtSignature = p.thoughtSignature;
  return part;
}
