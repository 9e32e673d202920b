import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, DevgemError } from '../base/errors';
import { throwIfCancelled } from '../base/wait';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './archiveRules';
import type { ExtractJob, ExtractReport } from './extractWorker';

/**
 * Writes a tarball body to `file`, aborting as soon as more than `maxBytes`
 * arrived (or the announced size is already over), or when `signal` fires.
 * The partial file is removed on failure.
 */
export async function saveTarball(
  body: AsyncIterable<Uint8Array>,
  file: string,
  opts: { maxBytes: number; size?: number; repository: string; signal: AbortSignal },
): Promise<number> {
  const { maxBytes, signal } = opts;
  if (opts.size !== undefined && opts.size > maxBytes) throw tooBig(opts.repository, maxBytes);
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
  });
  let bytes = 0;
  try {
    for await (const chunk of body) {
      throwIfCancelled(signal);
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw tooBig(opts.repository, maxBytes);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
    throwIfCancelled(signal);
    out.end();
    await closed;
    return bytes;
  } catch (err) {
    out.destroy();
    await closed.catch(() => undefined);
    await fs.rm(file, { force: true });
    throw err;
  }
}

function tooBig(repository: string, maxBytes: number): DevgemError {
  const mb = Math.round(maxBytes / (1024 * 1024));
  return new DevgemError('resource-exhausted', `The archive of ${repository} is larger than the ${mb} MB limit; the download was stopped.`, {
    fix: 'Raise "devgem.github.maxDownloadMB" if the repository really is that big, or deploy it from a local clone.',
  });
}

export { unsafeEntry } from './archiveRules';
export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './archiveRules';

/** Beside this file in out/ (tests) and in dist/ (the bundle, esbuild.mjs). */
const WORKER_FILE = path.join(__dirname, 'extractWorker.js');

/**
 * Extracts a GitHub archive into `dest` without its `owner-repo-sha7/` top
 * folder, in a worker thread (gunzip and tar never run on the host's main
 * thread). Refuses the whole archive when any entry has an absolute path,
 * `..`, a link leading outside, or a device/fifo type, and stops as soon as
 * the entries add up to more than `limits` allow, before writing anything.
 * Cancel terminates the worker at once.
 */
export async function extractTarball(
  file: string,
  dest: string,
  signal: AbortSignal,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
): Promise<{ entries: number; bytes: number }> {
  throwIfCancelled(signal);
  await fs.mkdir(dest, { recursive: true });
  const job: ExtractJob = { file, dest, maxBytes: limits.maxBytes, maxEntries: limits.maxEntries };
  const worker = new Worker(WORKER_FILE, { workerData: job });
  const report = await new Promise<ExtractReport>((resolve, reject) => {
    const stop = () => {
      void worker.terminate();
      reject(new CancelledError());
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    const settle = () => signal.removeEventListener('abort', stop);
    worker.on('message', (r: ExtractReport) => {
      settle();
      if (r.kind === 'over') void worker.terminate();
      resolve(r);
    });
    worker.on('error', (err) => {
      settle();
      reject(err);
    });
    worker.on('exit', (code) => {
      settle();
      reject(signal.aborted ? new CancelledError() : new Error(`the extraction worker stopped (exit code ${code})`));
    });
  });
  if (report.kind === 'over') throw overLimit(report.limit, limits);
  if (report.kind === 'refused') {
    const refused = report.reasons;
    throw new DevgemError(
      'invalid-argument',
      `The repository archive has unsafe entries and was not extracted: ${refused.slice(0, 3).join('; ')}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}.`,
      { fix: 'Remove those paths or links from the repository (or deploy a different ref).' },
    );
  }
  throwIfCancelled(signal);
  return { entries: report.entries, bytes: report.bytes };
}

function overLimit(limit: 'bytes' | 'entries', limits: ExtractLimits): DevgemError {
  const what =
    limit === 'bytes'
      ? `more than ${Math.round(limits.maxBytes / (1024 * 1024))} MB once extracted`
      : `more than ${limits.maxEntries.toLocaleString('en-US')} entries`;
  return new DevgemError('resource-exhausted', `The repository archive holds ${what}; extraction was stopped before writing anything.`, {
    fix: `Raise "devgem.github.${limit === 'bytes' ? 'maxExtractMB' : 'maxEntries'}" in your user settings if the repository really is that big, or deploy it from a local clone.`,
  });
}
