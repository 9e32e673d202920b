// The source a revision was built from, kept on the revision itself: Cloud Run
// copies a revision template's labels and annotations to the revision it makes,
// so `listRevisions` can say which commit each revision runs.
import type { protos } from '@google-cloud/run';
import type { RevisionSource } from '../../core/cloud/ports';

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Revision = protos.google.cloud.run.v2.IRevision;

/** Label values hold at most 63 lowercase letters, digits, `-` and `_`: a SHA-1 commit fits whole. */
export const COMMIT_LABEL = 'devgem-commit';
/** `true` when the deployed tree had uncommitted changes (a separate label, so the commit label stays the bare SHA). */
export const DIRTY_LABEL = 'devgem-dirty';
/** `owner/name` holds a `/`, which no label value may: an annotation. */
export const REPOSITORY_ANNOTATION = 'devgem-repository';

/** A SHA-256 commit (64 hex) does not fit a label; 40 characters still name it unambiguously in git. */
const COMMIT_LABEL_LENGTH = 40;
const COMMIT = /^[0-9a-f]{7,64}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** The labels and annotations that record `source`; what cannot be recorded safely is left out. */
export function sourceMetadata(source: RevisionSource | undefined): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const commit = source?.commit?.toLowerCase();
  if (commit && COMMIT.test(commit)) {
    labels[COMMIT_LABEL] = commit.slice(0, COMMIT_LABEL_LENGTH);
    if (source?.dirty) labels[DIRTY_LABEL] = 'true';
  }
  if (source?.repository && REPOSITORY.test(source.repository)) annotations[REPOSITORY_ANNOTATION] = source.repository;
  return { labels, annotations };
}

/**
 * The template (a copy) recording `source`. Whatever an earlier deploy recorded
 * is removed first: a live template's commit must not outlive the code it named.
 */
export function withSource(template: Template, source: RevisionSource | undefined): Template {
  const { labels: add, annotations: note } = sourceMetadata(source);
  const labels = { ...(template.labels ?? {}) };
  delete labels[COMMIT_LABEL];
  delete labels[DIRTY_LABEL];
  const annotations = { ...(template.annotations ?? {}) };
  delete annotations[REPOSITORY_ANNOTATION];
  const next: Template = { ...template, labels: { ...labels, ...add } };
  const merged = { ...annotations, ...note };
  if (Object.keys(merged).length || template.annotations) next.annotations = merged;
  return next;
}

/** What a revision records of its source; empty for revisions Devgem did not deploy from git. */
export function revisionSource(r: Pick<Revision, 'labels' | 'annotations'>): RevisionSource {
  const out: RevisionSource = {};
  const commit = r.labels?.[COMMIT_LABEL];
  if (commit && COMMIT.test(commit)) {
    out.commit = commit;
    if (r.labels?.[DIRTY_LABEL] === 'true') out.dirty = true;
  }
  const repository = r.annotations?.[REPOSITORY_ANNOTATION];
  if (repository && REPOSITORY.test(repository)) out.repository = repository;
  return out;
}
