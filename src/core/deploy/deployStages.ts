import { DEPLOY_STAGES, type DeployStage } from '../../shared/protocol';
import type { Stage, StageContext } from './stage';
import type { StageRunner } from './stageRunner';
import { analyzeStage } from './stages/analyze';
import { buildStage } from './stages/build';
import { deployStage } from './stages/deploy';
import { dockerfileStage } from './stages/dockerfile';
import { exposeStage } from './stages/expose';
import { packageStage } from './stages/package';
import { preflightStage } from './stages/preflight';
import { uploadStage } from './stages/upload';
import { verifyStage } from './stages/verify';

/** The deploy, stage by stage: each stage's output is the next one's input. */
export const STAGE_LIST = [
  preflightStage,
  analyzeStage,
  dockerfileStage,
  packageStage,
  uploadStage,
  buildStage,
  deployStage,
  exposeStage,
  verifyStage,
] as const;

type StageList = typeof STAGE_LIST;
type AnyStage = StageList[number];

/** What the stage named `N` takes: where a run that starts there (a resume) begins. */
export type StageInput<N extends DeployStage> = Extract<AnyStage, { name: N }> extends Stage<infer In, unknown, N> ? In : never;

/** True when each stage takes what the one before it gives; the constant below fails to compile otherwise. */
type Chained<L extends readonly unknown[]> = L extends readonly [Stage<never, infer Out>, ...infer Rest]
  ? Rest extends readonly [Stage<infer In, unknown>, ...unknown[]]
    ? [Out] extends [In]
      ? Chained<Rest>
      : false
    : true
  : true;
const chained: Chained<StageList> = true;

/**
 * The tracker shows DEPLOY_STAGES (shared/protocol.ts, which the webview
 * imports and so cannot import this list); this fails to compile when the
 * list's names differ from it in any way, order included.
 */
type Names<L extends readonly unknown[]> = { [K in keyof L]: L[K] extends { name: infer N } ? N : never };
const inTrackerOrder: Names<StageList> = DEPLOY_STAGES;
void chained;
void inTrackerOrder;

/** What the last stage gives: the deploy's outcome. */
export type StageListOutput = StageList extends readonly [...unknown[], Stage<never, infer Out>] ? Out : never;

/** Called with a stage's input right before it runs (e.g. to save what a later window needs to go on). */
export type BeforeStage = { [N in DeployStage]?: (input: StageInput<N>) => void };

/**
 * Runs the list from the stage named `first` with `input`, each stage's output
 * feeding the next; the last one's output is the deploy's outcome. A new deploy
 * starts at preflight; a resume at the build or the deploy with saved state.
 */
export async function runStages<N extends DeployStage>(
  first: N,
  input: StageInput<N>,
  runner: StageRunner,
  ctx: StageContext,
  before: BeforeStage = {},
): Promise<StageListOutput> {
  const stages: readonly Stage<unknown, unknown>[] = STAGE_LIST.slice(STAGE_LIST.findIndex((s) => s.name === first));
  let state: unknown = input;
  for (const stage of stages) {
    (before[stage.name] as ((input: unknown) => void) | undefined)?.(state);
    state = await runner.run(stage, state, ctx);
  }
  // Sound because the list is Chained.
  return state as StageListOutput;
}
