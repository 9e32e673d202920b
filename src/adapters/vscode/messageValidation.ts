import { z } from 'zod';
import { MAX_CHAT_TEXT, MAX_CODE_TEXT, type WebviewMessage } from '../../shared/protocol';

const url = z.string().max(2048).url();

// The webview is untrusted input: every message is checked against this before dispatch.
const schema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('deploy') }).strict(),
  z.object({ type: z.literal('cancel') }).strict(),
  z.object({ type: z.literal('showLog') }).strict(),
  z.object({ type: z.literal('chat'), text: z.string().trim().min(1).max(MAX_CHAT_TEXT) }).strict(),
  z.object({ type: z.literal('openUrl'), url }).strict(),
  z.object({ type: z.literal('copyUrl'), url }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('confirm'), id: z.string().min(1).max(100), token: z.string().min(1).max(200), approve: z.boolean() }).strict(),
  z.object({ type: z.literal('openLogInEditor') }).strict(),
  z.object({ type: z.literal('openBuildInConsole') }).strict(),
  z.object({ type: z.literal('showPastBuildLog'), deployId: z.string().min(1).max(64).regex(/^[0-9A-Za-z-]+$/) }).strict(),
  z.object({ type: z.literal('retry') }).strict(),
  z.object({ type: z.literal('fixWithAi') }).strict(),
  z.object({ type: z.literal('insertCode'), code: z.string().min(1).max(MAX_CODE_TEXT), language: z.string().max(40).regex(/^[\w+#.-]*$/).optional() }).strict(),
  z.object({ type: z.literal('copyText'), text: z.string().min(1).max(MAX_CODE_TEXT) }).strict(),
]) satisfies z.ZodType<WebviewMessage>;

export type ValidationResult = { ok: true; message: WebviewMessage } | { ok: false; error: string };

export function validateWebviewMessage(raw: unknown): ValidationResult {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
}

/** Only web links leave the editor; `command:`, `file:` and friends never do. */
export function isSafeExternalUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
