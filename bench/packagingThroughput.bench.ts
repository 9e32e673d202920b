/**
 * Source packaging throughput: Devgem's deterministic tarball
 * (`writeSourceTarball`, in a fresh child process via packOnce.js) against
 * GNU `tar -czf out.tgz -C root -T list.txt` on the same file list, on a
 * generated tree of ~20k files / ~200 MB. Also checks that both compress at
 * gzip level 6, that Devgem's output is byte-identical run to run, and times
 * listing + preview of the same tree.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { listSourceFiles, previewManifest } from '../src/core/packaging/packageSource';
import { runNodeJson } from './child';
import type { PackMeasurement } from './packOnce';
import { median, mib, MiB, ms, table } from './stats';

const TEXT_FILES = 19_990;
const RANDOM_FILES = 10;
const RANDOM_BYTES = 10 * MiB;
const RUNS = 3;
const PACK_ONCE = path.join(__dirname, 'packOnce.js');

interface Tree {
  dir: string;
  files: string[];
  bytes: number;
}

/** Seeded source-like text: ~20k files of 1–9 KB (~100 MB) plus ten 10 MiB random files (~105 MB). */
async function generate(root: string): Promise<Tree> {
  const dir = path.join(root, 'tree');
  let seed = 42;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const words = ['const', 'return', 'await', 'function', 'import', 'export', 'if', 'else', 'for', 'value', 'request', 'handler', 'config', 'items'];
  const lines: string[] = [];
  for (let size = 0; size < 4 * MiB;) {
    const line = `${'  '.repeat(Math.floor(random() * 4))}${Array.from({ length: 3 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(' ')}(${Math.floor(random() * 1e6)});`;
    lines.push(line);
    size += line.length + 1;
  }
  const text = lines.join('\n');
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < TEXT_FILES; i++) {
    const rel = `src/pkg${String(Math.floor(i / 500)).padStart(2, '0')}/mod${String(Math.floor(i / 50) % 10)}/file${String(i).padStart(5, '0')}.ts`;
    const size = 1024 + Math.floor(random() * 8 * 1024);
    const start = Math.floor(random() * (text.length - size));
    if (i % 50 === 0) await fs.mkdir(path.join(dir, path.dirname(rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text.slice(start, start + size));
    files.push(rel);
    bytes += size;
  }
  await fs.mkdir(path.join(dir, 'assets'), { recursive: true });
  const chunk = Buffer.allocUnsafe(RANDOM_BYTES);
  for (let i = 0; i < RANDOM_FILES; i++) {
    const rel = `assets/blob${i}.bin`;
    await fs.writeFile(path.join(dir, rel), randomFillSync(chunk));
    files.push(rel);
    bytes += RANDOM_BYTES;
  }
  return { dir, files: files.sort(), bytes };
}

/** Runs GNU tar under /usr/bin/time; wall time measured here, peak RSS = the larger of tar and its gzip child. */
function gnuTar(tree: Tree, listFile: string, out: string): Promise<{ ms: number; maxRss: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS %M', 'tar', '-czf', out, '-C', tree.dir, '-T', listFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - t0;
      const rss = /MAXRSS (\d+)/.exec(stderr);
      if (code !== 0 || !rss) return reject(new Error(`tar exited ${code}: ${stderr.trim()}`));
      resolve({ ms: elapsed, maxRss: Number(rss[1]) * 1024 });
    });
  });
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

/** Both sides must compress at level 6 for the comparison to be fair. */
async function checkLevels(tree: Tree, tmp: string): Promise<string[]> {
  const notes: string[] = [];
  const sample = Buffer.from(await fs.readFile(path.join(tree.dir, tree.files[0])));
  notes.push(
    `Node zlib default level is 6: ${gzipSync(sample).equals(gzipSync(sample, { level: 6 })) && !gzipSync(sample).equals(gzipSync(sample, { level: 1 }))}`,
  );
  const subset = path.join(tmp, 'subset.txt');
  await fs.writeFile(
    subset,
    tree.files
      .filter((f) => f.startsWith('src/'))
      .slice(0, 2000)
      .join('\n') + '\n',
  );
  const viaZ = path.join(tmp, 'z.tgz');
  execFileSync('tar', ['-czf', viaZ, '-C', tree.dir, '-T', subset]);
  const six = execFileSync('sh', ['-c', `tar -cf - -C "${tree.dir}" -T "${subset}" | gzip -6`], { maxBuffer: 64 * MiB });
  notes.push(`GNU tar -z output is byte-identical to \`tar -cf - | gzip -6\`: ${six.equals(await fs.readFile(viaZ))}`);
  notes.push(
    `${execFileSync('tar', ['--version']).toString().split('\n')[0]}, ${execFileSync('gzip', ['--version']).toString().split('\n')[0]}, Node zlib ${process.versions.zlib}`,
  );
  return notes;
}

async function entryCount(file: string): Promise<number> {
  let n = 0;
  await tar.t({ file, onReadEntry: () => n++ });
  return n;
}

export async function packagingThroughputBench(): Promise<void> {
  const started = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'devgem-bench-throughput-'));
  try {
    const t = performance.now();
    const tree = await generate(tmp);
    console.log(`  generated ${tree.files.length} files, ${mib(tree.bytes)} in ${ms(performance.now() - t)}`);
    for (const note of await checkLevels(tree, tmp)) console.log(`  ${note}`);

    const t1 = performance.now();
    const manifest = await listSourceFiles(tree.dir);
    const t2 = performance.now();
    const preview = await previewManifest(tree.dir, manifest);
    const t3 = performance.now();
    console.log(
      `  listSourceFiles: ${manifest.files.length} files in ${ms(t2 - t1)}; previewManifest: ${mib(preview.totalBytes)}, ${preview.redFlags.length} red flags, in ${ms(t3 - t2)}`,
    );
    if (manifest.files.join('\n') !== tree.files.join('\n')) throw new Error('listSourceFiles did not list exactly the generated files');

    const jsonList = path.join(tmp, 'files.json');
    const textList = path.join(tmp, 'list.txt');
    await fs.writeFile(jsonList, JSON.stringify(tree.files));
    await fs.writeFile(textList, tree.files.join('\n') + '\n');
    const devgemOut = path.join(tmp, 'devgem.tgz');
    const tarOut = path.join(tmp, 'gnu.tgz');

    const devgem: PackMeasurement[] = [];
    const gnu: { ms: number; maxRss: number }[] = [];
    const hashes = new Set<string>();
    // Warm-up for each (page cache), then alternate so drift on the shared VM hits both alike.
    await runNodeJson<PackMeasurement>(PACK_ONCE, ['tar', tree.dir, jsonList, devgemOut]);
    await gnuTar(tree, textList, tarOut);
    for (let i = 0; i < RUNS; i++) {
      devgem.push(await runNodeJson<PackMeasurement>(PACK_ONCE, ['tar', tree.dir, jsonList, devgemOut]));
      hashes.add(await sha256(devgemOut));
      gnu.push(await gnuTar(tree, textList, tarOut));
      console.log(`  run ${i + 1}: devgem ${ms(devgem[i].ms)} (${mib(devgem[i].maxRss, 0)} peak RSS), GNU tar ${ms(gnu[i].ms)}`);
    }

    const mbps = (msValue: number) => tree.bytes / 1e6 / (msValue / 1000);
    const dMs = median(devgem.map((m) => m.ms));
    const gMs = median(gnu.map((m) => m.ms));
    const [dSize, gSize] = [(await fs.stat(devgemOut)).size, (await fs.stat(tarOut)).size];
    console.log(`\nMedian of ${RUNS} runs after 1 warm-up each; ${tree.files.length} files, ${(tree.bytes / 1e6).toFixed(0)} MB input.\n`);
    console.log(
      table(
        ['packer', 'wall time (min–max)', 'throughput', 'peak RSS (max)', '.tgz size', 'entries'],
        [
          [
            'Devgem writeSourceTarball',
            `${ms(dMs)} (${ms(Math.min(...devgem.map((m) => m.ms)))}–${ms(Math.max(...devgem.map((m) => m.ms)))})`,
            `${mbps(dMs).toFixed(1)} MB/s`,
            `${mib(median(devgem.map((m) => m.maxRss)), 0)} (${mib(Math.max(...devgem.map((m) => m.maxRss)), 0)})`,
            mib(dSize),
            String(await entryCount(devgemOut)),
          ],
          [
            'GNU tar -czf',
            `${ms(gMs)} (${ms(Math.min(...gnu.map((m) => m.ms)))}–${ms(Math.max(...gnu.map((m) => m.ms)))})`,
            `${mbps(gMs).toFixed(1)} MB/s`,
            `${mib(median(gnu.map((m) => m.maxRss)), 0)} (${mib(Math.max(...gnu.map((m) => m.maxRss)), 0)})`,
            mib(gSize),
            String(await entryCount(tarOut)),
          ],
        ],
      ),
    );
    const ratio = gMs / dMs;
    const peak = Math.max(...devgem.map((m) => m.maxRss));
    console.log(
      `\nThroughput ratio devgem/tar: ${ratio.toFixed(2)} (goal ≥ 1.0: ${ratio >= 1 ? 'met' : 'NOT met'}); Devgem peak RSS ${mib(peak, 0)} (goal < 150 MiB: ${peak < 150 * MiB ? 'met' : 'NOT met'}).`,
    );
    console.log(`Devgem output identical across runs: ${hashes.size === 1} (sha256 ${[...hashes][0]?.slice(0, 16)}…).`);
    console.log(`Packaging throughput benchmark took ${ms(performance.now() - started)}.`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
