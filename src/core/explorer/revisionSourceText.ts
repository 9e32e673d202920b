// How a revision's recorded source reads in the explorer, the tools' plans and messages.
import type { RevisionSource } from '../cloud/ports';

/** `abc1234` (`abc1234*` with uncommitted changes); undefined when the revision records no commit. */
export function shortCommit(s: RevisionSource): string | undefined {
  return s.commit ? `${s.commit.slice(0, 7)}${s.dirty ? '*' : ''}` : undefined;
}

/** `owner/name@abc1234, with uncommitted changes`, or `not recorded` (deployed from outside git, or not by Devgem). */
export function sourceText(s: RevisionSource): string {
  if (!s.commit) return 'not recorded';
  const at = s.repository ? `${s.repository}@${s.commit}` : s.commit;
  return s.dirty ? `${at}, with uncommitted changes` : at;
}
