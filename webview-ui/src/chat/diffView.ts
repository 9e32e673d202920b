import { h } from '../shell/dom';

// A unified diff as inert text, one span per line, coloured by what the line
// does. The +/- stays in the text, so the meaning survives any theme.

type LineKind = 'add' | 'del' | 'hunk' | 'meta' | 'context';

export function lineKind(line: string): LineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ') || line.startsWith('diff ') || line.startsWith('index ')) {
    return 'meta';
  }
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'context';
}

export function diffView(diff: string): HTMLElement {
  const lines = diff.replace(/\n$/, '').split('\n');
  return h(
    'pre',
    { id: 'confirm-diff', class: 'confirm-diff', tabindex: 0, 'aria-label': 'Changes to be made' },
    ...lines.map((line) => h('span', { class: 'diff-line', 'data-kind': lineKind(line) }, `${line}\n`)),
  );
}
