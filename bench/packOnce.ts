/**
 * Child process of packaging.bench: packs one workspace with one library into
 * a gzip tarball and prints one JSON line of measurements.
 *
 *   node out/bench/packOnce.js <tar|tar-default|archiver> <workspaceDir> <fileList.json> <out.tgz>
 *
 * `tar` is the shipped code itself, `writeSourceTarball` from
 * src/core/packaging/packageSource.ts (tar with `maxReadSize: 1 MiB`). `tar-default` is
 * the same tar call at tar's default 16 MiB read size, for comparison.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { writeSourceTarball } from '../src/core/packaging/packageSource';

export type PackLib = 'tar' | 'tar-default' | 'archiver';
export const PACK_LIBS: PackLib[] = ['tar', 'tar-default', 'archiver'];

export interface PackMeasurement {
  ms: number;
  /** Peak resident set of the whole process (kernel's maxrss), bytes. */
  maxRss: number;
  /** RSS after the library was loaded and just before packing, bytes. */
  baseRss: number;
  /** Peak sampled heapUsed minus heapUsed before packing, bytes. */
  heapGrowth: number;
  /** Same for Buffers and other memory outside the JS heap (external + arrayBuffers). */
  externalGrowth: number;
  samples: number;
}

type Packer = (dir: string, files: string[], out: string) => Promise<void>;

async function loadPacker(lib: PackLib): Promise<Packer> {
  if (lib === 'tar') {
    // Exactly what Devgem ships.
    return async (dir, files, out) => void (await writeSourceTarball(dir, { files, rulesFrom: 'defaults' }, out));
  }
  if (lib === 'tar-default') {
    // The shipped call without `maxReadSize`.
    return async (dir, files, out) => {
      const pack = tar.create({ gzip: true, cwd: dir, portable: true, noDirRecurse: true }, files);
      await pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(out));
    };
  }
  // archiver 8 is ESM only; tsc keeps this a real dynamic import.
  const { TarArchive } = await import('archiver');
  return async (dir, files, out) => {
    const archive = new TarArchive({ gzip: true });
    const written = pipeline(archive, createWriteStream(out));
    for (const f of files) archive.file(path.join(dir, f), { name: f });
    await Promise.all([archive.finalize(), written]);
  };
}

async function main(): Promise<void> {
  const [lib, dir, listFile, out] = process.argv.slice(2);
  if (!PACK_LIBS.includes(lib as PackLib) || !dir || !listFile || !out) {
    throw new Error(`usage: packOnce.js <${PACK_LIBS.join('|')}> <workspaceDir> <fileList.json> <out.tgz>`);
  }
  const files = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  const pack = await loadPacker(lib as PackLib);

  const base = process.memoryUsage();
  const outside = (m: NodeJS.MemoryUsage) => m.external + m.arrayBuffers;
  let peakHeap = base.heapUsed;
  let peakOutside = outside(base);
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakOutside = Math.max(peakOutside, outside(m));
    samples++;
  };
  const timer = setInterval(sample, 5);

  const t0 = performance.now();
  await pack(dir, files, out);
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  sample();

  const result: PackMeasurement = {
    ms: elapsed,
    maxRss: process.resourceUsage().maxRSS * 1024,
    baseRss: base.rss,
    heapGrowth: peakHeap - base.heapUsed,
    externalGrowth: peakOutside - outside(base),
    samples,
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  });
}
