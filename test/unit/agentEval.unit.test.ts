// The agent evaluation set (test/eval/agent) in the unit run, so `npm test` and CI
// exercise it: each scenario against the scripted model, checked for the loop,
// the tools, the confirmations and the safety rules. `npm run eval:agent` runs
// the same set on its own (and against Gemini with DEVGEM_EVAL_GEMINI_KEY).
import * as assert from 'node:assert/strict';
import { runScenario } from '../eval/agent/evalRunner';
import { SCENARIOS } from '../eval/agent/scenarios';

describe('agent evaluation set (scripted model)', () => {
  it('has at least 50 conversations across every category', () => {
    assert.ok(SCENARIOS.length >= 50, `${SCENARIOS.length} scenarios`);
    assert.equal(new Set(SCENARIOS.map((s) => s.id)).size, SCENARIOS.length, 'ids are unique');
    for (const c of ['deploy', 'monorepo', 'secrets', 'build-failure', 'runtime-crash', 'injection', 'refusal', 'rollback', 'config', 'github'])
      assert.ok(
        SCENARIOS.some((s) => s.category === c),
        c,
      );
  });

  for (const s of SCENARIOS) {
    it(`${s.category}: ${s.id}`, async () => {
      const r = await runScenario(s);
      assert.deepEqual(r.problems, []);
    });
  }
});
