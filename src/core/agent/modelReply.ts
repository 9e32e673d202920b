import type { ReplyEnd } from './finishReasons';
import type { FunctionCall, ModelChunk, ModelPart, TokenUsage } from './model';

/** One model reply gathered from its stream: parts as sent, the calls in it, how it ended and what it cost. */
export class ModelReply {
  readonly parts: ModelPart[] = [];
  readonly calls: FunctionCall[] = [];
  usage?: TokenUsage;
  private finishReason?: string;
  private finishMessage?: string;
  private blockReason?: string;
  private blockMessage?: string;

  add(chunk: ModelChunk): void {
    if (chunk.parts) this.parts.push(...chunk.parts);
    else if (chunk.text) this.parts.push({ text: chunk.text });
    if (chunk.functionCalls) {
      this.calls.push(...chunk.functionCalls);
      if (!chunk.parts) this.parts.push(...chunk.functionCalls.map((fc) => ({ functionCall: fc })));
    }
    // Usage is cumulative in Gemini's stream: the last report is the call's total.
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.finishReason) this.finishReason = chunk.finishReason;
    if (chunk.finishMessage) this.finishMessage = chunk.finishMessage;
    if (chunk.blockReason) this.blockReason = chunk.blockReason;
    if (chunk.blockMessage) this.blockMessage = chunk.blockMessage;
  }

  /** The text the user saw. */
  text(): string {
    return this.textParts()
      .map((p) => p.text)
      .join('');
  }

  /** The parts that are plain text (kept when the calls of a reply cannot run). */
  textParts(): ModelPart[] {
    return this.parts.filter((p) => p.text !== undefined && !p.functionCall && !p.functionResponse);
  }

  get end(): ReplyEnd {
    return {
      finishReason: this.finishReason,
      finishMessage: this.finishMessage,
      blockReason: this.blockReason,
      blockMessage: this.blockMessage,
      empty: !this.calls.length && !this.text().trim(),
    };
  }
}

/** Streamed text arrives in many small parts; history keeps them as one. */
export function mergeText(parts: ModelPart[]): ModelPart[] {
  const out: ModelPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    const plainText = (x: ModelPart | undefined) => x && x.text !== undefined && !x.functionCall && !x.functionResponse && !x.thoughtSignature;
    if (plainText(p) && plainText(last)) out[out.length - 1] = { text: last!.text! + p.text! };
    else out.push(p);
  }
  return out;
}
