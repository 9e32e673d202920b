// Snapshots of an agent conversation, shaped as the host sends them.
import type { AgentStatus, ChatMessage, ConfirmationRequest, ToolCallCard, ViewSnapshot } from '../../src/shared/protocol';

export const GEMINI: AgentStatus = { busy: false, mode: 'gemini', model: 'gemini-2.5-flash (Vertex AI)' };
export const GEMINI_BUSY: AgentStatus = { ...GEMINI, busy: true };

export function agentSnapshot(version: number, parts: Partial<Omit<ViewSnapshot, 'version'>> = {}): ViewSnapshot {
  return { version, busy: false, chat: [], agent: GEMINI, ...parts };
}

export function reply(id: string, text: string, streaming = false): ChatMessage {
  return { id, role: 'assistant', text, at: 0, streaming };
}

export function toolMessage(id: string, tool: Partial<ToolCallCard> & Pick<ToolCallCard, 'status'>): ChatMessage {
  return {
    id,
    role: 'tool',
    text: '',
    at: 0,
    tool: {
      callId: `call-${id}`,
      name: 'deploy_service',
      risk: 'write',
      args: JSON.stringify({ service: 'hello-world', region: 'us-central1' }, null, 2),
      ...tool,
    },
  };
}

export const PLAN_DIFF = [
  '--- a/Dockerfile',
  '+++ b/Dockerfile',
  '@@ -1,3 +1,3 @@',
  ' FROM node:20-slim',
  '-EXPOSE 3000',
  '+EXPOSE 8080',
  ' CMD ["npm", "start"]',
].join('\n');

export function deployConfirmation(overrides: Partial<ConfirmationRequest> = {}): ConfirmationRequest {
  return {
    id: 'confirm-1',
    token: 'tok-7f3e9a1c',
    tool: 'deploy_service',
    risk: 'write',
    title: 'Deploy hello-world to Cloud Run?',
    details: [
      { label: 'Project', value: 'devgem-demo' },
      { label: 'Region', value: 'us-central1' },
      { label: 'Service', value: 'hello-world' },
      { label: 'Access', value: 'Public (allUsers can invoke)' },
      { label: 'Env', value: 'NODE_ENV, PORT' },
      { label: 'Secrets', value: 'DATABASE_URL (Secret Manager)' },
      { label: 'Scaling', value: '0–3 instances' },
    ],
    diff: PLAN_DIFF,
    approveLabel: 'Deploy',
    ...overrides,
  };
}

export function deleteConfirmation(overrides: Partial<ConfirmationRequest> = {}): ConfirmationRequest {
  return {
    id: 'confirm-2',
    token: 'tok-delete-55aa',
    tool: 'delete_service',
    risk: 'destructive',
    title: 'Delete the service hello-world?',
    details: [
      { label: 'Project', value: 'devgem-demo' },
      { label: 'Region', value: 'us-central1' },
      { label: 'Service', value: 'hello-world' },
    ],
    approveLabel: 'Delete service',
    ...overrides,
  };
}

/** propose_fix's card: a Dockerfile edit the host holds whole, so the card offers the diff editor. */
export function fixConfirmation(overrides: Partial<ConfirmationRequest> = {}): ConfirmationRequest {
  return {
    id: 'confirm-3',
    token: 'tok-fix-9b2d',
    tool: 'propose_fix',
    risk: 'write',
    title: 'Edit Dockerfile and redeploy hello-world?',
    details: [
      { label: 'File', value: 'Dockerfile' },
      { label: 'Why', value: 'The app listens on 8080, the image exposed 3000' },
    ],
    diff: PLAN_DIFF,
    diffEditor: true,
    approveLabel: 'Apply Fix',
    ...overrides,
  };
}
