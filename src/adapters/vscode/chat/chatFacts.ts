import type { PromptFacts } from '../../../core/agent/prompt';
import { readPromptOptions } from '../settings';
import type { CurrentFolder } from '../workspaceFolder';

/** The trusted facts of the chat's system prompt: the chosen folder's name and settings (never asks which folder). */
export function chatFacts(folders: CurrentFolder): () => Omit<PromptFacts, 'deploy' | 'earlier'> {
  return () => {
    const folder = folders.current();
    return { workspaceName: folder?.name, options: readPromptOptions(folder?.uri) };
  };
}
