// `npm run eval:agent`: every scenario against the scripted model (CI), or with
// DEVGEM_EVAL_GEMINI_KEY against the real Gemini model, scored on tool choice
// and arguments. The last line is `agent eval: N scenarios, P passed`; the exit
// code is non-zero when any fails.
import { createModelPorts } from '../../../src/adapters/gemini/index';
import type { ModelPort } from '../../../src/core/agent/model';
import { runScenario } from './evalRunner';
import { SCENARIOS } from './scenarios';

async function main(): Promise<void> {
  const key = process.env.DEVGEM_EVAL_GEMINI_KEY;
  const only = process.argv.slice(2);
  const model: ModelPort | undefined = key ? createModelPorts({ model: process.env.DEVGEM_EVAL_MODEL ?? 'gemini-2.5-flash', apiKey: key })[0] : undefined;
  const scenarios = SCENARIOS.filter((s) => !only.length || only.includes(s.id) || only.includes(s.category));
  let passed = 0;
  let score = 0;
  for (const s of scenarios) {
    const r = await runScenario(s, model);
    score += r.score;
    if (r.passed) passed++;
    console.log(`${r.passed ? 'ok  ' : 'FAIL'} ${s.id}${model ? ` (tool choice and arguments ${Math.round(r.score * 100)}%)` : ''}`);
    for (const p of r.problems) console.log(`       ${p}`);
  }
  if (model) console.log(`score: ${Math.round((score / Math.max(1, scenarios.length)) * 100)}% of the expected calls (${model.label})`);
  console.log(`agent eval: ${scenarios.length} scenarios, ${passed} passed`);
  process.exitCode = passed === scenarios.length ? 0 : 1;
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
