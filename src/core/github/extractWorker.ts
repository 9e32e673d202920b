// Runs in a worker thread (tarball.ts starts it): gunzip and tar work stay off
// the extension host's main thread, and terminating the worker is the cancel.
// dist/extractWorker.js in the bundle (esbuild.mjs); out/…/extractWorker.js in tests.
import { parentPort, workerData } from 'node:worker_threads';
import { t as listTar, x as extractTar } from 'tar';
import { unsafeEntry } from './archiveRules';

export interface ExtractJob {
  file: string;
  dest: string;
  maxBytes: number;
  maxEntries: number;
}

/** What the worker reports; the host turns it into a result or a DevgemError. */
export type ExtractReport =
  { kind: 'refused'; reasons: string[] } | { kind: 'over'; limit: 'bytes' | 'entries' } | { kind: 'done'; entries: number; bytes: number };

function run(job: ExtractJob): ExtractReport {
  const refused: string[] = [];
  let entries = 0;
  let bytes = 0;
  let over: 'bytes' | 'entries' | undefined;
  // First pass lists only: nothing is written from an archive that is refused or over a limit.
  listTar({
    file: job.file,
    sync: true,
    onReadEntry: (entry) => {
      if (over) return;
      entries++;
      bytes += entry.size ?? 0;
      if (entries > job.maxEntries) over = 'entries';
      else if (bytes > job.maxBytes) over = 'bytes';
      // Told at once: the host terminates this thread, so a bomb is not inflated to its end.
      if (over) parentPort?.postMessage({ kind: 'over', limit: over } satisfies ExtractReport);
      const why = unsafeEntry(entry.path, entry.type, entry.linkpath);
      if (why) refused.push(why);
    },
  });
  if (over) return { kind: 'over', limit: over };
  if (refused.length) return { kind: 'refused', reasons: refused };
  extractTar({ file: job.file, cwd: job.dest, strip: 1, strict: true, preservePaths: false, noChmod: false, sync: true });
  return { kind: 'done', entries, bytes };
}

if (parentPort && workerData) parentPort.postMessage(run(workerData as ExtractJob));
