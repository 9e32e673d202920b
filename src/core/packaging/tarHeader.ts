/**
 * ustar headers for a deterministic archive: fixed mtime, uid/gid 0, no
 * owner names, modes 0644/0755/0777. Paths or link targets that don't fit
 * the 100-byte fields get a pax `x` header first (UTF-8 records, which every
 * modern tar reads), as does a size beyond the 8 GiB octal limit.
 */
export const BLOCK = 512;
/** 1980-01-01T00:00:00Z: the ZIP epoch, as some tools treat a zero mtime as missing. */
export const TAR_MTIME_SECONDS = 315_532_800;
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarEntry {
  path: string;
  type: 'file' | 'symlink';
  /** Permission bits, already normalised. */
  mode: number;
  size: number;
  linkpath?: string;
}

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0'), offset, width - 1, 'ascii');
  buf[offset + width - 1] = 0;
}

function ustar(name: Buffer, typeflag: string, mode: number, size: number, linkname: Buffer): Buffer {
  const h = Buffer.alloc(BLOCK);
  name.copy(h, 0, 0, Math.min(name.length, 100));
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, TAR_MTIME_SECONDS);
  h.write(typeflag, 156, 1, 'ascii');
  linkname.copy(h, 157, 0, Math.min(linkname.length, 100));
  h.write('ustar\u000000', 257, 8, 'ascii');
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  // Checksum: sum of all bytes with the checksum field itself counted as spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return h;
}

/** One pax record, "<len> key=value\n", where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length + bodyLen !== len) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Header block(s) for one entry; the caller writes the content and `padding(size)` after. */
export function entryHeader(entry: TarEntry): Buffer {
  const name = Buffer.from(entry.path, 'utf8');
  const link = Buffer.from(entry.linkpath ?? '', 'utf8');
  const records: string[] = [];
  if (name.length > 100) records.push(paxRecord('path', entry.path));
  if (link.length > 100) records.push(paxRecord('linkpath', entry.linkpath ?? ''));
  if (entry.size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(entry.size)));
  const main = ustar(name, entry.type === 'file' ? '0' : '2', entry.mode, entry.size > MAX_OCTAL_SIZE ? 0 : entry.size, link);
  if (records.length === 0) return main;
  const body = Buffer.from(records.join(''), 'utf8');
  // The pax header's own name is derived from the entry's, like GNU tar's `PaxHeaders/<name>`, cut to fit.
  const paxName = Buffer.from(`PaxHeaders/${entry.path.slice(-80)}`, 'utf8').subarray(0, 100);
  return Buffer.concat([ustar(paxName, 'x', 0o644, body.length, Buffer.alloc(0)), body, padding(body.length), main]);
}

/** The end of an archive: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
