// Deterministic understanding of the few things the chat must do without a
// model. The Gemini agent (its own issue) takes over everything else.
export type ChatIntent = { kind: 'deploy' } | { kind: 'cancel' } | { kind: 'status' } | { kind: 'help' };

export function parseChatIntent(text: string): ChatIntent {
  const t = text.trim().toLowerCase();
  // Cancel and status first: "please cancel the deploy" and "how did the last
  // deploy go?" mention deploying but must never start one.
  if (/\b(stop|cancel|abort)\b/.test(t)) return { kind: 'cancel' };
  if (/\b(status|url|where|how did|last deploy)\b/.test(t) || /^(how|what|where|did|is|was)\b.*\b(deploy|service|build)/.test(t)) return { kind: 'status' };
  if (/\b(deploy|ship|publish|release)\b/.test(t)) return { kind: 'deploy' };
  return { kind: 'help' };
}

export const HELP_TEXT = [
  'I can deploy the open folder to Cloud Run. Try:',
  '• "deploy this" — analyze, build and deploy',
  '• "status" — what happened in the last deploy',
  '• "cancel" — stop the running deploy',
  'Project, region and service name come from Settings (devgem.*), your environment or your gcloud configuration.',
].join('\n');
