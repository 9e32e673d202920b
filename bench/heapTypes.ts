/**
 * Self size by node type in a V8 heap snapshot (v8.writeHeapSnapshot), for the
 * memory bench: what two idle samples differ in, split into what the JIT makes
 * (compiled code and its metadata, object shapes) and live data.
 */
import { promises as fs } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
}

/** Node types that hold V8's own compiled code, feedback and object layouts, not data the program keeps. */
export const JIT_TYPES = new Set(['code', 'hidden', 'object shape']);

export async function bytesByType(file: string): Promise<Map<string, number>> {
  const snap = JSON.parse(await fs.readFile(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const out = new Map<string, number>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const t = types[snap.nodes[i + type]];
    out.set(t, (out.get(t) ?? 0) + snap.nodes[i + size]);
  }
  return out;
}

/** b − a per type, and the JIT and data totals of it. */
export function diffByType(a: Map<string, number>, b: Map<string, number>): { byType: [string, number][]; jit: number; data: number } {
  const byType: [string, number][] = [];
  let jit = 0;
  let data = 0;
  for (const t of new Set([...a.keys(), ...b.keys()])) {
    const d = (b.get(t) ?? 0) - (a.get(t) ?? 0);
    byType.push([t, d]);
    if (JIT_TYPES.has(t)) jit += d;
    else data += d;
  }
  byType.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
  return { byType, jit, data };
}
