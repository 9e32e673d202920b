import { randomFillSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MiB } from './stats';

/** A generated workspace and the explicit file list that gets packed (as packageSource receives it). */
export interface Workspace {
  name: string;
  description: string;
  dir: string;
  files: string[];
  bytes: number;
}

/** Seeded so every run of the benchmark packs the same bytes (the random files aside). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Source-like text (compresses about as well as real code), sliced to make each file. */
function corpus(random: () => number): string {
  const words = [
    'const',
    'return',
    'await',
    'function',
    'import',
    'export',
    'if',
    'else',
    'for',
    'of',
    'new',
    'this',
    'request',
    'response',
    'user',
    'config',
    'value',
    'error',
    'result',
    'items',
    'index',
    'handler',
    'router',
    'data',
  ];
  const lines: string[] = [];
  let size = 0;
  while (size < 2 * MiB) {
    const n = 3 + Math.floor(random() * 9);
    const indent = '  '.repeat(Math.floor(random() * 4));
    const parts = Array.from({ length: n }, () => words[Math.floor(random() * words.length)]);
    const line = `${indent}${parts.join(' ')}(${Math.floor(random() * 1e6)});`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

async function writeText(file: string, size: number, text: string, random: () => number): Promise<void> {
  const start = Math.floor(random() * (text.length - size));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text.slice(start, start + size));
}

/** Incompressible bytes, written in chunks so generating 500 MB does not hold 500 MB. */
async function writeRandom(file: string, size: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(16 * MiB);
    for (let left = size; left > 0; left -= chunk.length) {
      const n = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, n);
      await handle.write(chunk, 0, n);
    }
  } finally {
    await handle.close();
  }
}

async function textFiles(
  dir: string,
  count: number,
  minSize: number,
  maxSize: number,
  perDir: number,
  seed: number,
): Promise<{ files: string[]; bytes: number }> {
  const random = rng(seed);
  const text = corpus(random);
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const rel = `src/mod${String(Math.floor(i / perDir)).padStart(3, '0')}/file${String(i).padStart(5, '0')}.ts`;
    const size = minSize + Math.floor(random() * (maxSize - minSize + 1));
    await writeText(path.join(dir, rel), size, text, random);
    files.push(rel);
    bytes += size;
  }
  return { files, bytes };
}

export async function smallApp(root: string): Promise<Workspace> {
  const dir = path.join(root, 'small');
  const { files, bytes } = await textFiles(dir, 200, 1024, 20 * 1024, 25, 1);
  return { name: 'small', description: '200 files, 1–20 KB each', dir, files: files.sort(), bytes };
}

export async function mediumApp(root: string): Promise<Workspace> {
  const dir = path.join(root, 'medium');
  // 4,996 source-like files averaging ~14 KB (~70 MB) plus four 20 MB binaries: 5,000 files, ~150 MB.
  const text = await textFiles(dir, 4996, 1024, 27 * 1024, 100, 2);
  const binaries = ['assets/model-a.bin', 'assets/model-b.bin', 'assets/video.mp4', 'vendor/lib.so'];
  for (const rel of binaries) await writeRandom(path.join(dir, rel), 20 * MiB);
  const files = [...text.files, ...binaries].sort();
  return { name: 'medium', description: '5,000 files: 4,996 of 1–27 KB + 4 × 20 MiB random', dir, files, bytes: text.bytes + binaries.length * 20 * MiB };
}

export async function largeFile(root: string): Promise<Workspace> {
  const dir = path.join(root, 'large');
  await writeRandom(path.join(dir, 'data/blob.bin'), 500 * MiB);
  return { name: 'large', description: '1 file, 500 MiB random', dir, files: ['data/blob.bin'], bytes: 500 * MiB };
}
