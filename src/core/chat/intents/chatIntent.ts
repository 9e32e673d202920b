// What the offline chat understood a message to ask for. The type lives on
// its own so each intent family's parser can build one without importing the
// dispatcher that calls it.
import type { LogSeverity } from '../../cloud/ports';

export type ChatIntent =
  | { kind: 'deploy'; region?: string; service?: string; appPath?: string; public?: boolean }
  /** "deploy github.com/owner/name at v1": a GitHub repository (owner/name) at a ref. */
  | { kind: 'deploy-github'; repository: string; ref?: string; service?: string; region?: string }
  | { kind: 'cancel' }
  | { kind: 'status' }
  | { kind: 'logs'; source: 'build' | 'service'; service?: string; severity?: LogSeverity; limit?: number }
  | { kind: 'env-set'; vars: Record<string, string>; service?: string }
  | { kind: 'env-unset'; names: string[]; service?: string }
  /** "import .env", "import env from config/prod.env to api". */
  | { kind: 'env-import'; file?: string; service?: string }
  | { kind: 'rollback'; revision?: string; service?: string }
  /** "send traffic to api-00004-xyz": all of it to that revision (e.g. the one an env change made after a rollback). */
  | { kind: 'traffic'; revision: string; service?: string }
  | { kind: 'services' }
  | { kind: 'revisions'; service?: string }
  | { kind: 'usage' }
  /** "What changed since the last deploy?" */
  | { kind: 'changes' }
  | { kind: 'help' }
  /** "describe the api service": what Cloud Run says about it (a read). */
  | { kind: 'describe'; service?: string }
  /** "delete the api service": a destructive tool, so always behind a confirmation card. */
  | { kind: 'delete'; service: string }
  /** "make it public", "scale api to 3 instances", "give it 1 GiB of memory": a config change without a rebuild. */
  | { kind: 'config'; service?: string; public?: boolean; minInstances?: number; maxInstances?: number; memory?: string }
  /** "run it locally": build and run the deploy's image with the local Docker or Podman. */
  | { kind: 'run-local' }
  /** Understood that nothing should happen ("do not deploy this") or that acting needs a clearer request: answer `reply`, act on nothing. */
  | { kind: 'clarify'; reply: string }
  /** Understood the verb but something is wrong (e.g. "set FOO" with no value): say `problem`. */
  | { kind: 'invalid'; problem: string };

/** The intents that may name the Cloud Run service they act on. */
export type ServiceIntent = Extract<
  ChatIntent,
  { kind: 'deploy' | 'logs' | 'env-set' | 'env-unset' | 'rollback' | 'traffic' | 'revisions' | 'describe' | 'config' }
>;

export function invalid(problem: string): ChatIntent {
  return { kind: 'invalid', problem };
}
