// Markdown in the sidebar chat's replies, in headless Chromium: which elements
// each construct becomes, streaming, links that never navigate, code-block
// Copy/Insert, and that model output can create nothing dangerous.
// Run: npx tsc -p . && npx mocha --no-config --timeout 60000 out/test/browser/markdown.browser.test.js
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GEMINI, GEMINI_BUSY, agentSnapshot, reply } from './agentFixtures';
import { chatMessage } from './deployFixtures';
import { REPO_ROOT, clearPosted, horizontalOverflow, posted, pwned, sendSnapshots, type PageOptions } from './harness';
import { pageSession } from './pageSession';
import type { ThemeName } from './themes';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** A reply using every construct the chat renders. */
const RICH = [
  '# Deploy plan',
  'I found a **Node.js 20** app with *one* service; the ~~old~~ port is `3000`.',
  'A second line in the same paragraph.',
  '',
  'A second paragraph.',
  '',
  '## Steps',
  '1. Build the image',
  '   - with *Cloud Build*',
  '   - push to `Artifact Registry`',
  '2. Deploy to [Cloud Run](https://cloud.google.com/run/docs)',
  '',
  '### Notes',
  '> Costs nothing while idle.',
  '',
  '---',
  '',
  '| Setting | Value |',
  '|:--|--:|',
  '| region | us-central1 |',
  '| memory | 512Mi |',
  '',
  '```python',
  'def main():',
  '\tprint("hi")  ',
  '```',
  'Then open https://hello-abc-uc.a.run.app.',
].join('\n');

/** What the page exposes to these tests (this file has no DOM lib). */
interface TestGlobals {
  __linkClicksAtWindow: number;
  __mutations: number;
}

describe('markdown in chat replies (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#chat-input', clearPosted: true });
  let page: Page;

  async function open(options: PageOptions = {}, width = 320, height = 900): Promise<Page> {
    page = await session.open(options, { width, height });
    return page;
  }

  const text = (id: string) => page.locator(`#chat-log .chat-msg[data-id="${id}"] .chat-text`);
  const show = (version: number, ...messages: ReturnType<typeof reply>[]) => sendSnapshots(page, agentSnapshot(version, { chat: messages }));

  it('renders each construct as its element, with raw HTML left as text', async () => {
    await open();
    await show(1, reply('r1', `${RICH}\n\n<b>not bold</b> <img src=x>`));
    const t = text('r1');
    const children = await t.evaluate((el) => Array.from(el.childNodes as ArrayLike<{ nodeName: string }>).map((n) => n.nodeName));
    assert.deepEqual(children, [
      'H3',
      '#text',
      'STRONG',
      '#text',
      'EM',
      '#text',
      'DEL',
      '#text',
      'CODE',
      '#text',
      'H4',
      'OL',
      'H5',
      'BLOCKQUOTE',
      'HR',
      'DIV',
      'PRE',
      '#text',
      'A',
      '#text',
    ]);
    assert.deepEqual(await t.locator('h3, h4, h5').allTextContents(), ['Deploy plan', 'Steps', 'Notes']);
    assert.equal(await t.locator(':scope > strong').textContent(), 'Node.js 20');
    assert.equal(await t.locator(':scope > em').textContent(), 'one');
    assert.equal(await t.locator(':scope > del').textContent(), 'old');
    assert.equal(await t.locator(':scope > code.md-code').textContent(), '3000');
    const paragraph = await t.evaluate((el) => (el.childNodes[9] as { textContent: string }).textContent);
    assert.equal(
      paragraph,
      '.\nA second line in the same paragraph.\n\nA second paragraph.',
      'a newline stays a line break; paragraphs part with a blank line',
    );

    const ol = t.locator(':scope > ol');
    assert.equal(await ol.locator(':scope > li').count(), 2);
    assert.deepEqual(await ol.locator(':scope > li > ul > li').allTextContents(), ['with Cloud Build', 'push to Artifact Registry']);
    assert.equal(await ol.locator(':scope > li > ul em').textContent(), 'Cloud Build');
    const docs = ol.locator(':scope > li a');
    assert.equal(await docs.textContent(), 'Cloud Run');
    assert.equal(await docs.getAttribute('href'), 'https://cloud.google.com/run/docs');
    assert.equal(await t.locator(':scope > blockquote').textContent(), 'Costs nothing while idle.');

    const table = t.locator(':scope > div.md-table table');
    assert.deepEqual(await table.locator('th').allTextContents(), ['Setting', 'Value']);
    assert.deepEqual(
      await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => Array.from(r.children as ArrayLike<{ textContent: string }>).map((c) => c.textContent))),
      [
        ['region', 'us-central1'],
        ['memory', '512Mi'],
      ],
    );
    assert.deepEqual(await table.locator('th').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-align'))), ['left', 'right']);

    const pre = t.locator(':scope > pre.chat-code');
    assert.equal(await pre.getAttribute('data-lang'), 'python');
    assert.equal(await pre.locator('code').textContent(), 'def main():\n\tprint("hi")  ');
    assert.equal(await pre.textContent(), 'def main():\n\tprint("hi")  ', 'the toolbar adds no text to the block');
    assert.equal(await pre.locator('.code-lang').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el, '::before').content), '"python"');

    const bare = t.locator(':scope > a');
    assert.equal(await bare.textContent(), 'https://hello-abc-uc.a.run.app');
    assert.equal(await bare.getAttribute('href'), 'https://hello-abc-uc.a.run.app/');
    assert.match((await t.textContent()) ?? '', /<b>not bold<\/b> <img src=x>$/);
    assert.equal(await page.locator('#chat-log b, #chat-log img').count(), 0);
    assert.equal(await t.locator('code.md-code button, h3 button').count(), 0, 'inline code has no actions');
  });

  it('keeps what the user typed and notices as plain text', async () => {
    await open();
    const markdown = '**not bold** [x](https://e.com)\n```\ncode\n```';
    await sendSnapshots(page, agentSnapshot(1, { chat: [chatMessage('u1', 'user', markdown), { id: 'n1', role: 'notice', text: markdown, at: 0 }] }));
    for (const id of ['u1', 'n1']) {
      assert.equal(await text(id).textContent(), markdown);
      assert.equal(await text(id).locator('*').count(), 0, `${id}: no elements`);
    }
  });

  it('streams in place: an unfinished ** and fence render sensibly and nodes grow rather than being replaced', async () => {
    await open();
    const steps = [
      'Deploying **hel',
      'Deploying **hello**',
      'Deploying **hello** now:\n```s',
      'Deploying **hello** now:\n```sh\ngcloud run dep',
      'Deploying **hello** now:\n```sh\ngcloud run deploy hello\n```\nDone.',
    ];
    await sendSnapshots(page, agentSnapshot(1, { chat: [reply('r1', steps[0], true)], agent: GEMINI_BUSY }));
    const t = text('r1');
    assert.equal(await t.textContent(), 'Deploying **hel', 'an unclosed ** shows as typed');
    assert.equal(await t.locator('strong').count(), 0);
    // Remember the first text node, so we can tell whether it is kept.
    await t.evaluate((el) => ((el.firstChild as { marker?: string }).marker = 'first'));

    await sendSnapshots(page, agentSnapshot(2, { chat: [reply('r1', steps[1], true)], agent: GEMINI_BUSY }));
    assert.equal(await t.locator('strong').textContent(), 'hello');
    assert.equal(await t.evaluate((el) => (el.firstChild as { marker?: string }).marker), 'first', 'the text node before the bold is kept');

    await sendSnapshots(page, agentSnapshot(3, { chat: [reply('r1', steps[2], true)], agent: GEMINI_BUSY }));
    const pre = t.locator('pre.chat-code');
    assert.equal(await pre.getAttribute('data-lang'), 's');
    assert.equal(await pre.locator('code').textContent(), '');
    assert.equal(await pre.locator('button.code-action[disabled]').count(), 2, 'nothing to copy yet');
    await pre.evaluate((el) => el.setAttribute('data-marker', 'kept'));

    await sendSnapshots(page, agentSnapshot(4, { chat: [reply('r1', steps[3], true)], agent: GEMINI_BUSY }));
    assert.equal(await pre.getAttribute('data-marker'), 'kept', 'the open block is the same node');
    assert.equal(await pre.getAttribute('data-lang'), 'sh');
    assert.equal(await pre.locator('code').textContent(), 'gcloud run dep');
    assert.equal(await pre.locator('button.code-action[disabled]').count(), 0);
    await pre.locator('code').evaluate((el) => ((el.firstChild as { marker?: string }).marker = 'code-text'));

    await sendSnapshots(page, agentSnapshot(5, { chat: [reply('r1', steps[4], false)], agent: GEMINI }));
    assert.equal(await pre.getAttribute('data-marker'), 'kept');
    assert.equal(await pre.locator('code').evaluate((el) => (el.firstChild as { marker?: string }).marker), 'code-text', 'code text grew in its own node');
    assert.equal(await pre.locator('code').textContent(), 'gcloud run deploy hello');
    assert.deepEqual(
      await t.evaluate((el) => Array.from(el.childNodes as ArrayLike<{ nodeName: string; textContent: string }>).map((n) => [n.nodeName, n.textContent])),
      [
        ['#text', 'Deploying '],
        ['STRONG', 'hello'],
        ['#text', ' now:'],
        ['PRE', 'gcloud run deploy hello'],
        ['#text', 'Done.'],
      ],
    );
  });

  it('leaves a finished reply’s DOM untouched when later snapshots arrive', async () => {
    await open();
    await show(1, reply('r1', RICH));
    await text('r1').evaluate((el) => {
      const g = el.ownerDocument.defaultView as TestGlobals & {
        MutationObserver: new (cb: (records: unknown[]) => void) => { observe(node: unknown, options: unknown): void };
      };
      g.__mutations = 0;
      new g.MutationObserver((records) => (g.__mutations += records.length)).observe(el, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
    await show(2, reply('r1', RICH), reply('r2', 'And **another** reply.', true));
    // A changed timestamp makes the chat render r1 again: the same text must change nothing.
    await show(3, { ...reply('r1', RICH), at: 1 }, reply('r2', 'And **another** reply, finished.'));
    assert.equal(await page.evaluate(() => (globalThis as unknown as TestGlobals).__mutations), 0);
    assert.equal(await text('r2').locator('strong').textContent(), 'another');
  });

  describe('links', () => {
    async function watchWindowClicks(): Promise<void> {
      // VS Code's webview frame opens any <a href> whose click reaches its window listener.
      await page.evaluate(() => {
        const g = globalThis as unknown as TestGlobals & { addEventListener(t: string, l: (e: { composedPath(): { tagName?: string }[] }) => void): void };
        g.__linkClicksAtWindow = 0;
        g.addEventListener('click', (e) => {
          if (e.composedPath().some((n) => n.tagName === 'A')) g.__linkClicksAtWindow++;
        });
      });
    }

    it('post openUrl on click, Enter and middle click, and never navigate the webview', async () => {
      await open();
      let popups = 0;
      page.on('popup', () => popups++);
      await show(1, reply('r1', 'See [the docs](https://cloud.google.com/run/docs) or <https://example.com/a?b=1>.'));
      await watchWindowClicks();
      const before = page.url();
      const docs = text('r1').locator('a').first();
      assert.equal(await docs.getAttribute('title'), 'https://cloud.google.com/run/docs', 'the address shows on hover');

      await docs.click();
      await docs.focus();
      await page.keyboard.press('Enter');
      await text('r1').locator('a').nth(1).click({ button: 'middle' });
      await docs.click({ modifiers: ['Control'] });
      await page.waitForTimeout(300);

      assert.deepEqual(await posted(page), [
        { type: 'openUrl', url: 'https://cloud.google.com/run/docs' },
        { type: 'openUrl', url: 'https://cloud.google.com/run/docs' },
        { type: 'openUrl', url: 'https://example.com/a?b=1' },
        { type: 'openUrl', url: 'https://cloud.google.com/run/docs' },
      ]);
      assert.equal(page.url(), before, 'the webview did not navigate');
      assert.equal(popups, 0, 'no window opened');
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as TestGlobals).__linkClicksAtWindow),
        0,
        'the click stops before the frame would open the link a second time',
      );
    });

    it('javascript:, command:, file:, data: and relative links stay inert text', async () => {
      await open();
      const bad = [
        '[run me](javascript:window.__pwned=1)',
        '[terminal](command:workbench.action.terminal.new)',
        '[passwd](file:///etc/passwd)',
        '[page](data:text/html,<script>window.__pwned=1</script>)',
        '[readme](README.md)',
        '<javascript:window.__pwned=1>',
      ];
      await show(1, reply('r1', bad.join('\n')));
      assert.equal(await page.locator('#chat-log a').count(), 0);
      assert.equal(await text('r1').textContent(), bad.join('\n'), 'the source is shown as written');
      await text('r1').click();
      await text('r1').dblclick();
      assert.deepEqual(await posted(page), []);
      assert.equal(await pwned(page), undefined);
    });
  });

  it('creates no dangerous element from markup, finished or streaming', async () => {
    await open();
    const attacks = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=1</script>',
      '<iframe src="javascript:window.__pwned=1"></iframe>',
      '[x](javascript:alert(1))',
      '![x](javascript:window.__pwned=1)',
      '![logo](https://example.com/logo.png)',
      '<a href="javascript:window.__pwned=1">click</a>',
      '**<img src=x onerror="window.__pwned=1">**',
      '| <script>window.__pwned=1</script> |\n|---|\n| <img src=x onerror=window.__pwned=1> |',
      '> <svg onload="window.__pwned=1">',
      '- `<script>window.__pwned=1</script>`',
      '```html\n<img src=x onerror="window.__pwned=1">',
    ].join('\n\n');
    for (let n = 40; n < attacks.length; n += 97) {
      await show(n, reply('r1', attacks.slice(0, n), true));
    }
    await show(10_000, reply('r1', attacks));
    await page.waitForTimeout(200);
    // Playwright's CSS pierces shadow roots, where our own components (vscode-elements) draw their icons: the
    // chat log (shadow roots included) and the page's light DOM are where data could have made an element.
    const dangerous = 'img, script, iframe, svg, object, embed';
    assert.equal(await page.locator(`#chat-log :is(${dangerous})`).count(), 0, 'no element was created from data in the chat log');
    assert.equal(
      await page.evaluate(
        (sel) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(sel).length,
        dangerous.replace(/\w+/g, '#app $&'),
      ),
      0,
      'no element was created from data',
    );
    const hrefs = await page.locator('#chat-log a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['https://example.com/logo.png'], 'the only link is the web image, as a link');
    assert.equal(await text('r1').locator('strong').textContent(), '<img src=x onerror="window.__pwned=1">');
    assert.equal(await pwned(page), undefined);
  });

  describe('code blocks', () => {
    const CODE = 'def main():\n\tprint("<b>hi</b> €")  \n\nmain()';

    it('Copy and Insert post the exact code and the language, from mouse and keyboard', async () => {
      await open();
      await show(1, reply('r1', `Try:\n\`\`\`python\n${CODE}\n\`\`\`\nand \`inline\`\n\`\`\`\nplain\n\`\`\`\n\`\`\`dock/er\nFROM node\n\`\`\``));
      const blocks = text('r1').locator('pre.chat-code');
      assert.equal(await blocks.count(), 3);
      const first = blocks.nth(0);
      const copy = first.getByRole('button', { name: 'Copy' });
      const insert = first.getByRole('button', { name: 'Insert into editor' });
      assert.equal(await copy.locator('.codicon-copy').count(), 1);
      assert.equal(await insert.locator('.codicon-insert').count(), 1);

      await copy.click();
      await insert.click();
      assert.deepEqual(await posted(page), [
        { type: 'copyText', text: CODE },
        { type: 'insertCode', code: CODE, language: 'python' },
      ]);
      assert.equal(await copy.locator('.codicon-check').count(), 1, 'Copy shows that it worked');

      await clearPosted(page);
      await insert.focus();
      await page.keyboard.press('Enter');
      await blocks.nth(1).getByRole('button', { name: 'Insert into editor' }).focus();
      await page.keyboard.press('Space');
      await blocks.nth(2).getByRole('button', { name: 'Insert into editor' }).click();
      assert.deepEqual(
        await posted(page),
        [
          { type: 'insertCode', code: CODE, language: 'python' },
          { type: 'insertCode', code: 'plain' },
          { type: 'insertCode', code: 'FROM node' },
        ],
        'no language, or one the host would refuse, is left out',
      );
      assert.equal(await text('r1').locator('code.md-code').textContent(), 'inline');
      assert.equal(await text('r1').locator('button').count(), 6, 'inline code has no actions');
    });

    it('the toolbar stays in view while a long block scrolls, and nothing overflows a 220 px sidebar', async () => {
      await open({}, 220, 600);
      const long = Array.from({ length: 80 }, (_, i) => `line ${i} ${'x'.repeat(i % 3 ? 10 : 120)}`).join('\n');
      await show(1, reply('r1', `\`\`\`js\n${long}\n\`\`\`\n| a | b |\n|---|---|\n| ${'y'.repeat(200)} | ${'https://e.com/'.repeat(10)} |`));
      const pre = text('r1').locator('pre.chat-code');
      await pre.evaluate((el) => (el.scrollTop = 400));
      const gap = await pre.evaluate((el) => el.querySelector('.code-toolbar').getBoundingClientRect().top - el.getBoundingClientRect().top);
      assert.ok(Math.abs(gap) <= 2, `toolbar pinned to the top of the scrolled block (off by ${gap}px)`);
      assert.equal(await horizontalOverflow(page), 0);
    });
  });

  describe('screenshots', () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      it(`a Markdown-rich reply in ${theme}`, async () => {
        await open({ theme }, 320, 1200);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await sendSnapshots(page, agentSnapshot(1, { chat: [chatMessage('u1', 'user', 'How will you deploy this?'), reply('r1', RICH)] }));
        await page.locator('body').evaluate((b) => (b.ownerDocument.activeElement as { blur(): void }).blur());
        const file = path.join(ARTIFACTS, `markdown-${theme}.png`);
        await text('r1').locator('..').screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 5_000);
        assert.equal(await horizontalOverflow(page), 0, 'nothing overflows a 320 px sidebar');
        // Colours come from the theme's variables, not fixed values.
        const colours = await text('r1').evaluate((el) => {
          const view = el.ownerDocument.defaultView;
          const root = view.getComputedStyle(el.ownerDocument.documentElement);
          const probe = (value: string) => {
            const d = el.ownerDocument.createElement('div');
            d.style.color = value;
            el.ownerDocument.body.append(d);
            const c = view.getComputedStyle(d).color;
            d.remove();
            return c;
          };
          return {
            link: view.getComputedStyle(el.querySelector('a')).color,
            linkVar: probe(root.getPropertyValue('--vscode-textLink-foreground')),
            code: view.getComputedStyle(el.querySelector('pre.chat-code')).backgroundColor,
            codeVar: probe(root.getPropertyValue('--vscode-textCodeBlock-background')),
            underline: view.getComputedStyle(el.querySelector('a')).textDecorationLine,
          };
        });
        assert.equal(colours.link, colours.linkVar);
        assert.equal(colours.code, colours.codeVar);
        assert.equal(colours.underline, theme === 'high-contrast' ? 'underline' : 'none');
      });
    }
  });
});
