// The chat's Markdown parser (webview-ui/src/chat/markdown/) on its own: a pure
// function from text to a tree, so no DOM is needed here. What becomes which
// element is checked in test/browser/markdown.browser.test.ts.
import * as assert from 'node:assert/strict';
import { parseMarkdown } from '../../webview-ui/src/chat/markdown/blockParser';
import { parseInline } from '../../webview-ui/src/chat/markdown/inlineParser';
import type { Block, Inline } from '../../webview-ui/src/chat/markdown/markdownTree';
import { safeHttpUrl } from '../../webview-ui/src/chat/markdown/safeHttpUrl';

const text = (t: string): Inline => ({ type: 'text', text: t });
const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });
const link = (href: string, label = href): Inline => ({ type: 'link', href, children: [text(label)] });

/** Every character of the tree's text, to show nothing was lost or invented. */
function plain(nodes: (Inline | Block)[]): string {
  return nodes
    .map((n): string => {
      switch (n.type) {
        case 'text':
        case 'code':
          return 'text' in n ? n.text : '';
        case 'rule':
          return '';
        case 'list':
          return n.items.map(plain).join('|');
        case 'table':
          return [n.head, ...n.rows].map((r) => r.map(plain).join('|')).join('/');
        case 'strong':
        case 'em':
        case 'del':
        case 'link':
        case 'paragraph':
        case 'heading':
        case 'quote':
          return plain(n.children);
      }
    })
    .join('¶');
}

describe('markdown parser', () => {
  describe('blocks', () => {
    it('keeps newlines inside a paragraph and splits paragraphs at blank lines', () => {
      assert.deepEqual(parseMarkdown('one\ntwo  \n\n\nthree'), [para(text('one\ntwo')), para(text('three'))]);
      assert.deepEqual(parseMarkdown(''), []);
      assert.deepEqual(parseMarkdown('\r\na\r\nb'), [para(text('a\nb'))]);
    });

    it('reads # to ### headings (deeper ones as ###) but not #hashtags', () => {
      assert.deepEqual(parseMarkdown('# Deploy\n## Steps ##\n### Notes\n###### Tiny\n#hashtag'), [
        { type: 'heading', level: 1, children: [text('Deploy')] },
        { type: 'heading', level: 2, children: [text('Steps')] },
        { type: 'heading', level: 3, children: [text('Notes')] },
        { type: 'heading', level: 3, children: [text('Tiny')] },
        para(text('#hashtag')),
      ]);
      assert.deepEqual(parseMarkdown('# About C#'), [{ type: 'heading', level: 1, children: [text('About C#')] }]);
    });

    it('reads fenced code with its language, exactly as written (tabs, markup, blank lines)', () => {
      const code = 'build:\n\tdocker build .\n\n<script>alert(1)</script>';
      assert.deepEqual(parseMarkdown(`Run:\n\`\`\`make extra words\n${code}\n\`\`\`\nDone.`), [
        para(text('Run:')),
        { type: 'code', lang: 'make', text: code, closed: true },
        para(text('Done.')),
      ]);
      assert.deepEqual(parseMarkdown('~~~\n```\nnot closed by backticks\n~~~'), [
        { type: 'code', lang: '', text: '```\nnot closed by backticks', closed: true },
      ]);
      assert.deepEqual(parseMarkdown('````md\n```js\nx\n```\n````'), [{ type: 'code', lang: 'md', text: '```js\nx\n```', closed: true }]);
      assert.deepEqual(parseMarkdown('```{.python}\npass\n```'), [{ type: 'code', lang: 'python', text: 'pass', closed: true }]);
    });

    it('runs an unclosed fence to the end, as a reply still streaming in', () => {
      assert.deepEqual(parseMarkdown('Run this:\n```sh\nnpm ci\nnpm st'), [
        para(text('Run this:')),
        { type: 'code', lang: 'sh', text: 'npm ci\nnpm st', closed: false },
      ]);
      assert.deepEqual(parseMarkdown('```'), [{ type: 'code', lang: '', text: '', closed: false }]);
      assert.deepEqual(parseMarkdown('```ts'), [{ type: 'code', lang: 'ts', text: '', closed: false }]);
      // An info string with a backtick is inline code, not a fence.
      assert.deepEqual(parseMarkdown('```a`b```'), [para({ type: 'code', text: 'a`b' })]);
    });

    it('reads bullet and numbered lists, with one nested level however the model indents it', () => {
      const nested = (indent: string, marker: string) => parseMarkdown(`${marker} Build\n${indent}- image\n${indent}- push\n${marker} Deploy`);
      const expected = (ordered: boolean): Block[] => [
        {
          type: 'list',
          ordered,
          start: 1,
          items: [
            [para(text('Build')), { type: 'list', ordered: false, start: 1, items: [[para(text('image'))], [para(text('push'))]] }],
            [para(text('Deploy'))],
          ],
        },
      ];
      assert.deepEqual(nested('  ', '-'), expected(false));
      assert.deepEqual(nested('    ', '*'), expected(false));
      assert.deepEqual(nested('   ', '1.'), expected(true));
      assert.deepEqual(nested('  ', '1.'), expected(true), 'two spaces under "1." still nest');
      assert.deepEqual(nested('\t', '-'), expected(false), 'a tab indents');
    });

    it('keeps a numbered list’s start, lazy continuation lines, and loose items', () => {
      assert.deepEqual(parseMarkdown('Steps:\n3. first\ncontinued\n\n4) second\n\n   more'), [
        para(text('Steps:')),
        { type: 'list', ordered: true, start: 3, items: [[para(text('first\ncontinued'))], [para(text('second')), para(text('more'))]] },
      ]);
      const kinds = parseMarkdown('- a\n1. b').map((b) => (b.type === 'list' ? b.ordered : b.type));
      assert.deepEqual(kinds, [false, true], 'a change from bullets to numbers starts a new list');
      assert.deepEqual(parseMarkdown('- a\n\nafter'), [{ type: 'list', ordered: false, start: 1, items: [[para(text('a'))]] }, para(text('after'))]);
    });

    it('reads code fences inside list items', () => {
      assert.deepEqual(parseMarkdown('1. Run:\n   ```sh\n   gcloud run deploy\n   ```\n2. Wait'), [
        {
          type: 'list',
          ordered: true,
          start: 1,
          items: [[para(text('Run:')), { type: 'code', lang: 'sh', text: 'gcloud run deploy', closed: true }], [para(text('Wait'))]],
        },
      ]);
    });

    it('reads blockquotes (with lazy lines and blocks inside) and horizontal rules', () => {
      assert.deepEqual(parseMarkdown('> **Note:** slow\nstill quoted\n> - a\n\n---\n* * *\nafter'), [
        {
          type: 'quote',
          children: [
            para({ type: 'strong', children: [text('Note:')] }, text(' slow\nstill quoted')),
            { type: 'list', ordered: false, start: 1, items: [[para(text('a'))]] },
          ],
        },
        { type: 'rule' },
        { type: 'rule' },
        para(text('after')),
      ]);
      assert.deepEqual(parseMarkdown('text\n---'), [para(text('text')), { type: 'rule' }], 'no setext headings: --- is a rule');
    });

    it('reads GFM tables with alignment, escaped pipes and short rows', () => {
      const [table] = parseMarkdown('| Region | Price |  |\n|:--|--:|:-:|\n| us-central1 | `$0` \\| free | x |\n| eu |');
      assert.deepEqual(table, {
        type: 'table',
        align: ['left', 'right', 'center'],
        head: [[text('Region')], [text('Price')], []],
        rows: [
          [[text('us-central1')], [{ type: 'code', text: '$0' }, text(' | free')], [text('x')]],
          [[text('eu')], [], []],
        ],
      });
      assert.equal(parseMarkdown('| a | b |\n|---|')[0].type, 'paragraph', 'a delimiter row must match the header');
      assert.equal(parseMarkdown('a | b')[0].type, 'paragraph');
    });
  });

  describe('inlines', () => {
    it('reads bold, italic, strike and their nesting', () => {
      assert.deepEqual(parseInline('**bold** *it* _it_ __b__ ~~gone~~ ***both***'), [
        { type: 'strong', children: [text('bold')] },
        text(' '),
        { type: 'em', children: [text('it')] },
        text(' '),
        { type: 'em', children: [text('it')] },
        text(' '),
        { type: 'strong', children: [text('b')] },
        text(' '),
        { type: 'del', children: [text('gone')] },
        text(' '),
        { type: 'em', children: [{ type: 'strong', children: [text('both')] }] },
      ]);
      assert.deepEqual(parseInline('**Note: *really* slow**'), [
        { type: 'strong', children: [text('Note: '), { type: 'em', children: [text('really')] }, text(' slow')] },
      ]);
    });

    it('leaves what is not emphasis alone: snake_case, 2 * 3, ~single~, escapes', () => {
      for (const s of ['my_service_name and a__b__c', '2 * 3 * 4', 'a ~b~ c', 'x ~~~y~~~', '** not bold **']) {
        assert.deepEqual(parseInline(s), [text(s)], s);
      }
      assert.deepEqual(parseInline('\\*not em\\* \\_x\\_'), [text('*not em* _x_')]);
    });

    it('shows an unclosed ** or ` as typed until its closer arrives', () => {
      assert.deepEqual(parseInline('Deploying **hello-wor'), [text('Deploying **hello-wor')]);
      assert.deepEqual(parseInline('run `npm ci'), [text('run `npm ci')]);
      assert.deepEqual(parseInline('Deploying **hello-world**'), [text('Deploying '), { type: 'strong', children: [text('hello-world')] }]);
    });

    it('reads inline code literally: no emphasis, links or escapes inside', () => {
      assert.deepEqual(parseInline('use `a*b*c [x](https://e.com) \\n` or ``a ` b``'), [
        text('use '),
        { type: 'code', text: 'a*b*c [x](https://e.com) \\n' },
        text(' or '),
        { type: 'code', text: 'a ` b' },
      ]);
    });

    it('links only absolute http(s) URLs, keeping anything else as the text that was written', () => {
      assert.deepEqual(parseInline('see [the **docs**](https://cloud.google.com/run/docs "Docs")!'), [
        text('see '),
        { type: 'link', href: 'https://cloud.google.com/run/docs', children: [text('the '), { type: 'strong', children: [text('docs')] }] },
        text('!'),
      ]);
      for (const s of [
        '[x](javascript:alert(1))',
        '[x](JavaScript:alert(1))',
        '[open](command:workbench.action.terminal.new)',
        '[f](file:///etc/passwd)',
        '[d](data:text/html,<script>alert(1)</script>)',
        '[r](README.md)',
        '[v](vscode://devgem.devgem/x)',
        '<javascript:alert(1)>',
      ]) {
        assert.deepEqual(parseInline(s), [text(s)], s);
      }
    });

    it('links <autolinks> and bare URLs, without the punctuation around them', () => {
      assert.deepEqual(parseInline('Open https://hello-abc.run.app. Or (https://e.com/a_(b)) or <https://x.dev/?q=1>'), [
        text('Open '),
        link('https://hello-abc.run.app/', 'https://hello-abc.run.app'),
        text('. Or ('),
        link('https://e.com/a_(b)'),
        text(') or '),
        link('https://x.dev/?q=1'),
      ]);
      assert.deepEqual(parseInline('**https://a.io/x**'), [{ type: 'strong', children: [link('https://a.io/x')] }]);
      assert.deepEqual(parseInline('nothttps://a.io http:// x'), [text('nothttps://a.io http:// x')]);
    });

    it('turns image syntax into a plain link, never an image', () => {
      assert.deepEqual(parseInline('![diagram](https://e.com/d.png) ![](https://e.com/e.png)'), [
        link('https://e.com/d.png', 'diagram'),
        text(' '),
        link('https://e.com/e.png'),
      ]);
    });

    it('keeps raw HTML as text', () => {
      for (const s of [
        '<img src=x onerror="window.__pwned=1">',
        '<script>window.__pwned=1</script>',
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src=https://e.com>',
      ]) {
        assert.deepEqual(parseMarkdown(s), [para(text(s))], s);
      }
    });
  });

  describe('streaming', () => {
    const reply = [
      '# Plan',
      'I will **deploy** `hello` to [Cloud Run](https://cloud.google.com/run):',
      '',
      '1. Build',
      '   - with *Cloud Build*',
      '2. Deploy',
      '',
      '> Costs ~~nothing~~ little.',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '```sh',
      'gcloud run deploy hello \\',
      '  --region us-central1',
      '```',
      'Done: https://hello.run.app',
    ].join('\n');

    it('parses every prefix of a reply without throwing, and never loses code text already shown', () => {
      let lastCode = '';
      for (let n = 0; n <= reply.length; n++) {
        const blocks = parseMarkdown(reply.slice(0, n));
        const code = blocks.find((b): b is Extract<Block, { type: 'code' }> => b.type === 'code');
        if (code && n < reply.length) {
          assert.ok(code.text.startsWith(lastCode.slice(0, code.text.length)), `code text only grows (prefix ${n})`);
          lastCode = code.text;
        }
      }
      const final = parseMarkdown(reply);
      assert.deepEqual(
        final.map((b) => b.type),
        ['heading', 'paragraph', 'list', 'quote', 'table', 'code', 'paragraph'],
      );
      assert.match(plain(final), /gcloud run deploy hello \\\n {2}--region us-central1/);
    });
  });

  it('safeHttpUrl accepts only absolute http(s) URLs the host will take', () => {
    assert.equal(safeHttpUrl('https://e.com'), 'https://e.com/');
    assert.equal(safeHttpUrl('HTTP://E.com/a b'), undefined, 'whitespace');
    for (const bad of [
      'javascript:alert(1)',
      'command:x',
      'file:///x',
      'data:text/plain,x',
      '//e.com',
      '/x',
      'https://',
      `https://e.com/${'a'.repeat(2048)}`,
    ]) {
      assert.equal(safeHttpUrl(bad), undefined, bad);
    }
  });
});
