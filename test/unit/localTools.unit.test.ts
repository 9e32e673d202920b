// The chat's "run it locally": the run_locally tool is a write tool, so it
// runs only after the user's click on its card, with or without a model.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createToolRegistry } from '../../src/core/agent/tools';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { offlineChatTurn, TestConfirm, testAgentContext } from '../support/agentHarness';

async function say(message: string, approve: boolean) {
  const ctx = testAgentContext(mkdtempSync(path.join(os.tmpdir(), 'devgem-local-tool-')), {} as CloudPorts);
  const started: AbortSignal[] = [];
  Object.assign(ctx, {
    runLocally: async (signal: AbortSignal) => {
      started.push(signal);
      return { url: 'http://127.0.0.1:41234/', engine: 'docker 27.0', app: '.' };
    },
  });
  const confirm = new TestConfirm([], approve);
  const { answers, tools } = await offlineChatTurn(message, ctx, confirm);
  return { started, confirm, answers, tools };
}

describe('run_locally (the chat’s "run it locally")', () => {
  it('is a write tool with a card', () => {
    assert.equal(createToolRegistry().riskOf('run_locally'), 'write');
  });

  it('declined on its card, nothing is built or run', async () => {
    const r = await say('run it locally', false);
    assert.deepEqual(
      r.confirm.asked.map((a) => [a.tool, a.risk, a.approveLabel]),
      [['run_locally', 'write', 'Run Locally']],
    );
    assert.equal(r.started.length, 0);
    assert.match(r.answers[0], /Nothing was started/);
  });

  it('approved, it runs and the reply gives the local URL', async () => {
    const r = await say('please run this locally', true);
    assert.equal(r.started.length, 1);
    assert.match(r.answers[0], /Running locally at http:\/\/127\.0\.0\.1:41234\//);
    assert.deepEqual(r.tools.at(-1), 'run_locally:done');
  });
});
