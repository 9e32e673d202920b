// Model replies parsed into a small Markdown tree: no DOM and no HTML, so the
// parsers run (and are unit-tested) in plain Node and richText.ts alone decides
// which elements exist. It is a practical subset of CommonMark + GFM, tuned for
// chat: blockParser.ts splits the reply into blocks, inlineParser.ts reads the
// text inside each.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: Inline[] }
  | { type: 'code'; text: string }
  /** `href` is always an absolute http(s) URL; anything else never becomes a link. */
  | { type: 'link'; href: string; children: Inline[] };

export type Align = 'left' | 'center' | 'right' | undefined;

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  /** `#` is 1, `##` 2, `###` and deeper 3. */
  | { type: 'heading'; level: 1 | 2 | 3; children: Inline[] }
  /** `closed` is false while the closing fence has not arrived. */
  | { type: 'code'; lang: string; text: string; closed: boolean }
  /** Each item is a list of blocks (paragraphs, a nested list …). */
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' }
  | { type: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] };
