// Google's rule for resource labels, the same for every API here that stores
// them (Cloud Run services and revisions, Secret Manager, Artifact Registry,
// Cloud Storage): at most 64 labels; a key of 1 to 63 lowercase letters
// (international ones too), digits, `_` and `-`, starting with a letter; a value
// of at most 63 of the same, possibly empty; each at most 128 bytes. Each API
// words its refusal its own way, so this only says what is wrong.

const KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;
const MAX_BYTES = 128;

/** What breaks the rule (`key` names the label), or undefined when `labels` is absent or fine. */
export function labelProblem(labels: unknown): { key?: string; message: string } | undefined {
  if (labels === undefined || labels === null) return undefined;
  if (typeof labels !== 'object' || Array.isArray(labels)) return { message: 'labels must be a map of strings' };
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) return { message: `at most ${MAX_LABELS} labels, not ${entries.length}` };
  for (const [k, v] of entries) {
    if (!KEY.test(k) || Buffer.byteLength(k) > MAX_BYTES) {
      return { key: k, message: `Invalid label key '${k}': it must start with a lowercase letter and hold at most 63 lowercase letters, digits, '_' and '-'` };
    }
    if (typeof v !== 'string' || !VALUE.test(v) || Buffer.byteLength(v) > MAX_BYTES) {
      return { key: k, message: `Invalid label value '${String(v)}': at most 63 lowercase letters, digits, '_' and '-'` };
    }
  }
  return undefined;
}
