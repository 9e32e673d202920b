// The tracker's Fix with AI (src/adapters/vscode/deploy/deployActions.ts) against a
// small stand-in for `vscode`: the prompt names the evidence for the kind of
// failure, and nothing is asked of the chat when no model is configured.
import * as assert from 'node:assert/strict';
import type * as Actions from '../../src/adapters/vscode/deploy/deployActions';
import type { DeploySession } from '../../src/core/deploy/deploySession';
import type { DeployRecord, DeployState } from '../../src/shared/protocol';
import { useVscodeStub } from '../support/vscodeStub';

const SUBJECT = require.resolve('../../src/adapters/vscode/deploy/deployActions');
const infos: string[] = [];
const stub = {
  EventEmitter: class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  },
  workspace: { registerTextDocumentContentProvider: () => ({ dispose() {} }) },
  window: { showInformationMessage: async (m: string) => void infos.push(m) },
};

function failedAt(stage: 'build' | 'verify'): DeployState {
  return {
    deployId: 'd1',
    workspace: '/w',
    startedAt: 0,
    stages: {} as never,
    log: [],
    droppedLogLines: 0,
    result: { outcome: 'failed', stage, problem: { message: 'x' } },
  };
}

describe('Fix with AI in the tracker', () => {
  const subject = useVscodeStub<typeof Actions>(stub, SUBJECT);
  const asked: string[] = [];
  const actions = (deploy: DeployState | undefined, aiOn: boolean, history: DeployRecord[] = []) =>
    new (subject.load().DeployActions)({
      session: { current: { deploy, history } } as unknown as DeploySession,
      runner: { retry: async () => undefined },
      chat: { handle: async (t: string) => void asked.push(t) },
      aiOn: async () => aiOn,
    });

  beforeEach(() => {
    asked.length = 0;
    infos.length = 0;
  });

  it('asks about the build log after a build failure', async () => {
    await actions(failedAt('build'), true).fixWithAi();
    assert.equal(asked.length, 1);
    assert.match(asked[0], /build log/);
  });

  it('asks about the startup logs after a runtime failure', async () => {
    await actions(failedAt('verify'), true).fixWithAi();
    assert.match(asked[0], /startup logs/);
    assert.doesNotMatch(asked[0], /build log/);
  });

  it('after a reload with only the history record, still picks the right evidence', async () => {
    await actions(undefined, true, [{ deployId: 'd0', startedAt: 0, endedAt: 1, outcome: 'failed', stage: 'deploy' }]).fixWithAi();
    assert.match(asked[0], /startup logs/);
  });

  it('is not offered with the AI off: nothing reaches the chat', async () => {
    await actions(failedAt('build'), false).fixWithAi();
    assert.deepEqual(asked, []);
    assert.match(infos[0], /needs a model/);
  });
});
