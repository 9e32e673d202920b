// GFM table rows: the `| a | b |` cells and the `|:--|--:|` delimiter row
// that says a paragraph-looking line is a table head.
import type { Align } from './markdownTree';

export function tableAt(lines: string[], i: number): Align[] | undefined {
  if (i + 1 >= lines.length || !lines[i].includes('|')) return undefined;
  const align = delimiterRow(lines[i + 1]);
  return align && splitRow(lines[i]).length === align.length ? align : undefined;
}

function delimiterRow(line: string): Align[] | undefined {
  if (!line.includes('|')) return undefined;
  const cells = splitRow(line);
  if (!cells.every((c) => /^:?-+:?$/.test(c))) return undefined;
  return cells.map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : undefined));
}

export function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && s[k + 1] === '|') {
      cell += '|';
      k++;
    } else if (s[k] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += s[k];
    }
  }
  cells.push(cell.trim());
  return cells;
}
