/**
 * A deterministic source-like tree for the packaging benchmarks: `files` text
 * files of 1–~50 KB cut from seeded pseudo-code, plus `incompressible` of the
 * bytes as seeded random blobs (PRNG, not crypto: the same bytes every run).
 *
 *   node out/bench/generateTree.js <dir> [totalMB=550] [files=20000]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const MiB = 1024 * 1024;

export interface GeneratedTree {
  dir: string;
  /** Sorted, relative, `/`-separated. */
  files: string[];
  bytes: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

export async function generateTree(dir: string, totalBytes = 550 * 1e6, fileCount = 20_000, incompressible = 0.1): Promise<GeneratedTree> {
  const random = prng(42);
  const words = ['const', 'return', 'await', 'function', 'import', 'export', 'if', 'else', 'for', 'value', 'request', 'handler', 'config', 'items', 'props'];
  const lines: string[] = [];
  for (let size = 0; size < 8 * MiB;) {
    const line = `${'  '.repeat(Math.floor(random() * 4))}${Array.from({ length: 3 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(' ')}(${Math.floor(random() * 1e6)});`;
    lines.push(line);
    size += line.length + 1;
  }
  const text = Buffer.from(lines.join('\n'));
  const blobCount = 10;
  const blobBytes = Math.floor((totalBytes * incompressible) / blobCount);
  const textFiles = fileCount - blobCount;
  const meanText = Math.floor((totalBytes - blobBytes * blobCount) / textFiles);
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < textFiles; i++) {
    const rel = `src/pkg${String(Math.floor(i / 500)).padStart(2, '0')}/mod${String(Math.floor(i / 50) % 10)}/file${String(i).padStart(5, '0')}.ts`;
    const size = Math.max(64, Math.floor(meanText * (0.2 + 1.6 * random())));
    const start = Math.floor(random() * (text.length - Math.min(size, text.length - 1)));
    if (i % 50 === 0) await fs.mkdir(path.join(dir, path.dirname(rel)), { recursive: true });
    const content = size <= text.length - start ? text.subarray(start, start + size) : Buffer.concat([text.subarray(start), text]).subarray(0, size);
    await fs.writeFile(path.join(dir, rel), content);
    files.push(rel);
    bytes += content.length;
  }
  await fs.mkdir(path.join(dir, 'assets'), { recursive: true });
  const blob = Buffer.allocUnsafe(blobBytes);
  for (let b = 0; b < blobCount; b++) {
    const r = prng(1000 + b);
    for (let i = 0; i + 4 <= blob.length; i += 4) blob.writeUInt32LE((r() * 2 ** 32) >>> 0, i);
    const rel = `assets/blob${b}.bin`;
    await fs.writeFile(path.join(dir, rel), blob);
    files.push(rel);
    bytes += blob.length;
  }
  return { dir, files: files.sort(), bytes };
}

if (require.main === module) {
  const [dir, mb, count] = process.argv.slice(2);
  if (!dir) throw new Error('usage: generateTree.js <dir> [totalMB] [files]');
  void generateTree(dir, Number(mb ?? 550) * 1e6, Number(count ?? 20_000)).then((t) => console.log(JSON.stringify({ files: t.files.length, bytes: t.bytes })));
}
