/**
 * The source tarball: wall time and memory while streaming a gzip tar of an
 * explicit file list to disk, on three generated workspaces, for the shipped
 * code (tar, 1 MiB reads), tar at its default read size, and archiver.
 * Every run is a fresh child process (packOnce.js) so memory peaks are its own.
 */
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tar from 'tar';
import { runNodeJson } from './child';
import { PACK_LIBS, type PackLib, type PackMeasurement } from './packOnce';
import { median, mib, MiB, ms, table } from './stats';
import { largeFile, mediumApp, smallApp, type Workspace } from './workspaces';

const LIBS = PACK_LIBS;
const LABEL: Record<PackLib, string> = {
  tar: 'tar, 1 MiB reads (shipped)',
  'tar-default': 'tar, default 16 MiB reads',
  archiver: 'archiver',
};
const RUNS = 3;
const PACK_ONCE = path.join(__dirname, 'packOnce.js');

/** path -> size of every file entry in a tarball, read back with the same lister for both libraries. */
async function listTarball(file: string): Promise<Map<string, number>> {
  const entries = new Map<string, number>();
  await tar.t({ file, onReadEntry: (e) => entries.set(e.path, e.size ?? 0) });
  return entries;
}

async function checkTarball(ws: Workspace, lib: PackLib, file: string): Promise<string | undefined> {
  const listed = await listTarball(file);
  const missing = ws.files.filter((f) => !listed.has(f));
  const expected = new Set(ws.files);
  const extra = [...listed.keys()].filter((f) => !expected.has(f));
  const wrongSize: string[] = [];
  for (const f of ws.files) {
    if (!listed.has(f)) continue;
    const { size } = await fs.stat(path.join(ws.dir, f));
    if (listed.get(f) !== size) wrongSize.push(f);
  }
  if (missing.length || extra.length || wrongSize.length) {
    return `${lib}/${ws.name}: ${missing.length} missing, ${extra.length} extra, ${wrongSize.length} with wrong size (e.g. ${[...missing, ...extra, ...wrongSize].slice(0, 3).join(', ')})`;
  }
  return undefined;
}

interface Row {
  ws: Workspace;
  lib: PackLib;
  runs: PackMeasurement[];
  tgzBytes: number;
}

async function measure(ws: Workspace, tmp: string): Promise<{ rows: Row[]; problems: string[] }> {
  const listFile = path.join(tmp, `${ws.name}.files.json`);
  await fs.writeFile(listFile, JSON.stringify(ws.files));
  const out = (lib: PackLib) => path.join(tmp, `${ws.name}-${lib}.tgz`);
  const runs = new Map<PackLib, PackMeasurement[]>(LIBS.map((l) => [l, []]));
  // Warm-up (page cache, disk) for each, then alternate the libraries so drift hits both alike.
  for (const lib of LIBS) await runNodeJson<PackMeasurement>(PACK_ONCE, [lib, ws.dir, listFile, out(lib)]);
  for (let i = 0; i < RUNS; i++) {
    for (const lib of LIBS) runs.get(lib)!.push(await runNodeJson<PackMeasurement>(PACK_ONCE, [lib, ws.dir, listFile, out(lib)]));
  }
  const rows: Row[] = [];
  const problems: string[] = [];
  for (const lib of LIBS) {
    const problem = await checkTarball(ws, lib, out(lib));
    if (problem) problems.push(problem);
    rows.push({ ws, lib, runs: runs.get(lib)!, tgzBytes: (await fs.stat(out(lib))).size });
    await fs.rm(out(lib), { force: true });
  }
  return { rows, problems };
}

export async function packagingBench(): Promise<void> {
  const started = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-pack-'));
  try {
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const make of [smallApp, mediumApp, largeFile]) {
      const t = performance.now();
      const ws = await make(tmp);
      console.log(`  generated ${ws.name} (${ws.files.length} files, ${mib(ws.bytes)}) in ${ms(performance.now() - t)}`);
      const result = await measure(ws, tmp);
      rows.push(...result.rows);
      problems.push(...result.problems);
      await fs.rm(ws.dir, { recursive: true, force: true });
      for (const r of result.rows) console.log(`  ${ws.name} ${r.lib}: ${r.runs.map((m) => `${ms(m.ms)} / +${mib(m.maxRss - m.baseRss, 0)} RSS`).join(', ')}`);
    }

    console.log(
      `\nMedian of ${RUNS} runs after 1 warm-up, each run a fresh \`node\` process; RSS growth also shows min–max. RSS growth = peak RSS − RSS just before packing (library loaded).\n`,
    );
    const med = (r: Row, f: (m: PackMeasurement) => number) => median(r.runs.map(f));
    const rssGrowth = (m: PackMeasurement) => m.maxRss - m.baseRss;
    console.log(
      table(
        ['workspace', 'library', 'wall time', 'peak RSS', 'RSS growth (min–max)', 'heap growth', 'Buffer growth', '.tgz size'],
        rows.map((r) => [
          `${r.ws.name} (${r.ws.files.length} files, ${mib(r.ws.bytes, 0)})`,
          LABEL[r.lib],
          ms(med(r, (m) => m.ms)),
          mib(
            med(r, (m) => m.maxRss),
            0,
          ),
          `${mib(med(r, rssGrowth), 0)} (${Math.round(Math.min(...r.runs.map(rssGrowth)) / MiB)}–${Math.round(Math.max(...r.runs.map(rssGrowth)) / MiB)})`,
          mib(med(r, (m) => m.heapGrowth)),
          mib(
            med(r, (m) => m.externalGrowth),
            0,
          ),
          mib(r.tgzBytes),
        ]),
      ),
    );
    console.log(
      `\nCorrectness: ${problems.length === 0 ? 'every tarball lists exactly the input file set with the right sizes.' : `FAILED\n  ${problems.join('\n  ')}`}`,
    );
    console.log(`Packaging benchmark took ${ms(performance.now() - started)}.`);
    if (problems.length) process.exitCode = 1;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
