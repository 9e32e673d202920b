// The agent side of the chat in headless Chromium: streaming replies, tool-call
// cards, the confirmation card, Stop and the mode line.
// Run: node esbuild.mjs && npx tsc -p . && npx mocha --no-config out/test/browser/agentChat.browser.test.js
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { ChatMessage } from '../../src/shared/protocol';
import { GEMINI, GEMINI_BUSY, PLAN_DIFF, agentSnapshot, deleteConfirmation, deployConfirmation, fixConfirmation, reply, toolMessage } from './agentFixtures';
import { chatMessage } from './deployFixtures';
import {
  REPO_ROOT,
  activeElementId,
  clearPosted,
  horizontalOverflow,
  posted,
  pwned,
  savedState,
  sendSnapshots,
  sendToWebview,
  type PageOptions,
} from './harness';
import { pageSession } from './pageSession';
import type { ThemeName } from './themes';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const XSS_IMG = '<img src=x onerror="window.__pwned=1">';
const XSS_SCRIPT = '<script>window.__pwned=1</script>';
/** Longer than APPROVE_ARM_MS in confirmationCard.ts: how long a test waits for Approve to arm. */
const ARM_WAIT_MS = 5_000;

describe('agent chat (browser)', function () {
  this.timeout(60_000);
  const session = pageSession({ ready: '#chat-input', clearPosted: true });
  let page: Page;

  async function open(options: PageOptions = {}, width = 320, height = 900): Promise<Page> {
    page = await session.open(options, { width, height });
    return page;
  }

  const msg = (id: string) => page.locator(`#chat-log .chat-msg[data-id="${id}"]`);
  const isDisabled = (selector: string) => page.locator(selector).evaluate((el) => el.hasAttribute('disabled'));
  const armed = () => page.locator('#confirmation[data-armed]').waitFor({ timeout: ARM_WAIT_MS });

  describe('streaming replies', () => {
    it('grow in place with a typing indicator that goes when the reply is complete', async () => {
      await open();
      const user = chatMessage('u1', 'user', 'deploy my app');
      await sendSnapshots(page, agentSnapshot(1, { chat: [user, reply('r1', 'Deplo', true)], agent: GEMINI_BUSY }));
      const node = msg('r1');
      assert.equal(await node.locator('.chat-text').textContent(), 'Deplo');
      assert.equal(await node.locator('.typing').isVisible(), true, 'typing indicator while streaming');
      assert.equal(await node.getAttribute('aria-busy'), 'true');
      await node.evaluate((el) => el.setAttribute('data-marker', 'same-node'));
      // The user selects the start of the reply while it is still arriving.
      await node.locator('.chat-text').evaluate((el) => {
        const doc = el.ownerDocument;
        const range = doc.createRange();
        range.setStart(el.firstChild, 0);
        range.setEnd(el.firstChild, 5);
        doc.getSelection().removeAllRanges();
        doc.getSelection().addRange(range);
      });

      await sendSnapshots(page, agentSnapshot(2, { chat: [user, reply('r1', 'Deploying hello-world', true)], agent: GEMINI_BUSY }));
      assert.equal(await node.getAttribute('data-marker'), 'same-node', 'the node is not re-created');
      assert.equal(await node.locator('.chat-text').textContent(), 'Deploying hello-world');
      const selected = await node.evaluate((el) => el.ownerDocument.getSelection().toString());
      assert.equal(selected, 'Deplo', 'a selection in the text survives a streamed chunk');

      const done = 'Deploying hello-world to us-central1.\nDone.';
      await sendSnapshots(page, agentSnapshot(3, { chat: [user, reply('r1', done, false)], agent: GEMINI }));
      assert.equal(await node.getAttribute('data-marker'), 'same-node');
      assert.equal(await node.locator('.chat-text').textContent(), done);
      assert.equal(await node.locator('.typing').isVisible(), false, 'indicator gone when streaming is false');
      assert.equal(await node.getAttribute('aria-busy'), null);
      assert.equal(await page.locator('#chat-announcer').textContent(), `Devgem: ${done}`);
    });

    it('render fenced code blocks as <pre><code>, also while the fence is still open', async () => {
      await open();
      const open1 = 'Run this:\n```sh\nnpm ci\nnpm st';
      await sendSnapshots(page, agentSnapshot(1, { chat: [reply('r1', open1, true)] }));
      const pre = msg('r1').locator('pre.chat-code');
      assert.equal(await pre.count(), 1);
      assert.equal(await pre.getAttribute('data-lang'), 'sh');
      assert.equal(await pre.locator('code').textContent(), 'npm ci\nnpm st');
      await pre.evaluate((el) => el.setAttribute('data-marker', 'kept'));

      const closed = 'Run this:\n```sh\nnpm ci\nnpm start\n```\nThen open the URL.';
      await sendSnapshots(page, agentSnapshot(2, { chat: [reply('r1', closed, false)] }));
      assert.equal(await pre.getAttribute('data-marker'), 'kept', 'the code block grew in place');
      assert.equal(await pre.locator('code').textContent(), 'npm ci\nnpm start');
      const text = await msg('r1')
        .locator('.chat-text')
        .evaluate((el) => Array.from(el.childNodes as ArrayLike<{ nodeName: string; textContent: string }>).map((n) => [n.nodeName, n.textContent]));
      assert.deepEqual(text, [
        ['#text', 'Run this:'],
        ['PRE', 'npm ci\nnpm start'],
        ['#text', 'Then open the URL.'],
      ]);
    });

    it('keep the bottom in view only for a reader who was at the bottom', async () => {
      await open({}, 320, 400);
      const history: ChatMessage[] = Array.from({ length: 30 }, (_, i) => chatMessage(`h${i}`, i % 2 ? 'assistant' : 'user', `message ${i}`));
      await sendSnapshots(page, agentSnapshot(1, { chat: [...history, reply('r', 'Line 1', true)] }));
      const scroll = () =>
        page.locator('body').evaluate((b) => {
          const s = b.ownerDocument.scrollingElement;
          return { top: s.scrollTop, bottomGap: s.scrollHeight - s.clientHeight - s.scrollTop };
        });
      const setTop = (top: number) => page.locator('body').evaluate((b, t) => (b.ownerDocument.scrollingElement.scrollTop = t), top);
      await setTop(1e6);
      const grown = (n: number) => Array.from({ length: n }, (_, i) => `Line ${i + 1}`).join('\n');
      await sendSnapshots(page, agentSnapshot(2, { chat: [...history, reply('r', grown(12), true)] }));
      assert.ok((await scroll()).bottomGap <= 2, `follows the bottom: ${JSON.stringify(await scroll())}`);

      await setTop(100);
      await sendSnapshots(page, agentSnapshot(3, { chat: [...history, reply('r', grown(24), true)] }));
      assert.equal((await scroll()).top, 100, 'a reader scrolled up stays where they are');
    });
  });

  describe('tool-call cards', () => {
    const card = (id: string) => page.locator(`#chat-log .tool-card[data-id="${id}"]`);

    it('go from running to done in place, with the arguments expandable', async () => {
      await open();
      const args = JSON.stringify({ service: 'hello-world', region: 'us-central1', public: true }, null, 2);
      await sendSnapshots(page, agentSnapshot(1, { chat: [toolMessage('t1', { status: 'running', args, summary: 'Starting deploy…' })], agent: GEMINI_BUSY }));
      const c = card('t1');
      assert.equal(await c.getAttribute('data-status'), 'running');
      assert.equal(await c.getAttribute('data-call-id'), 'call-t1');
      assert.equal(await c.getAttribute('data-role'), 'tool');
      assert.equal(await c.locator('.tool-icon.codicon-loading.codicon-modifier-spin').count(), 1);
      assert.equal(await c.locator('.tool-name').textContent(), 'Deploy service', 'words, not the function name');
      assert.equal(await c.locator('.tool-name').getAttribute('title'), 'deploy_service');
      assert.equal(await c.locator('.risk-badge').textContent(), 'writes');
      assert.equal(await c.locator('.risk-badge').isVisible(), true);
      assert.equal(await c.locator('.tool-summary').textContent(), 'Starting deploy…');
      assert.equal(await c.locator('.tool-args').isVisible(), false, 'arguments start collapsed');

      await c.locator('summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await c.locator('.tool-args').isVisible(), true, 'Enter on the row expands it');
      assert.equal(await c.locator('.tool-args').textContent(), args);
      await c.evaluate((el) => el.setAttribute('data-marker', 'same-node'));

      await sendSnapshots(page, agentSnapshot(2, { chat: [toolMessage('t1', { status: 'done', args, summary: 'Deployed hello-world-00002' })] }));
      assert.equal(await c.getAttribute('data-marker'), 'same-node', 'the card is updated, not rebuilt');
      assert.equal(await c.getAttribute('data-status'), 'done');
      assert.equal(await c.locator('.tool-icon.codicon-check').count(), 1);
      assert.equal(await c.locator('.codicon-loading').count(), 0);
      assert.equal(await c.locator('.tool-summary').textContent(), 'Deployed hello-world-00002');
      assert.equal(await c.locator('.tool-args').isVisible(), true, 'an expanded card stays expanded');
      assert.equal(await activeElementId(page), '', 'focus stays on the row (a summary has no id)');
      assert.equal(await c.locator('summary').evaluate((el) => el === el.ownerDocument.activeElement), true);
    });

    it('show awaiting-confirmation and then declined; read-only tools carry no risk badge', async () => {
      await open();
      const read = toolMessage('t0', { status: 'done', name: 'get_status', risk: 'read', summary: 'hello-world is serving' });
      await sendSnapshots(page, agentSnapshot(1, { chat: [read, toolMessage('t1', { status: 'running', risk: 'destructive', name: 'delete_service' })] }));
      assert.equal(await card('t0').locator('.risk-badge').isVisible(), false);
      assert.equal(await card('t1').locator('.risk-badge').textContent(), 'destructive');

      await sendSnapshots(
        page,
        agentSnapshot(2, { chat: [read, toolMessage('t1', { status: 'awaiting-confirmation', risk: 'destructive', name: 'delete_service' })] }),
      );
      assert.equal(await card('t1').getAttribute('data-status'), 'awaiting-confirmation');
      assert.equal(await card('t1').locator('.tool-icon.codicon-warning').count(), 1);
      assert.match((await card('t1').locator('.tool-status').textContent()) ?? '', /Waiting for your approval/);

      await sendSnapshots(
        page,
        agentSnapshot(3, { chat: [read, toolMessage('t1', { status: 'declined', risk: 'destructive', name: 'delete_service', summary: 'You declined.' })] }),
      );
      assert.equal(await card('t1').getAttribute('data-status'), 'declined');
      assert.equal(await card('t1').locator('.tool-icon.codicon-circle-slash').count(), 1);
      await card('t1').locator('summary').click();
      assert.match((await card('t1').locator('.tool-args').textContent()) ?? '', /"service": "hello-world"/);
    });

    it('keeps nodes when a message is inserted before them, and drops removed ones', async () => {
      await open();
      const a = chatMessage('a', 'user', 'status?');
      const t = toolMessage('t', { status: 'done', risk: 'read', name: 'get_status' });
      await sendSnapshots(page, agentSnapshot(1, { chat: [a, t] }));
      await card('t').evaluate((el) => el.setAttribute('data-marker', 'kept'));
      const n = { id: 'n', role: 'notice', text: 'Using project devgem-demo.', at: 0 } satisfies ChatMessage;
      await sendSnapshots(page, agentSnapshot(2, { chat: [a, n, t] }));
      const ids = () => page.locator('#chat-log > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      assert.deepEqual(await ids(), ['a', 'n', 't']);
      assert.equal(await card('t').getAttribute('data-marker'), 'kept');
      await sendSnapshots(page, agentSnapshot(3, { chat: [n, t] }));
      assert.deepEqual(await ids(), ['n', 't']);
    });
  });

  it('notices are muted info lines, not Devgem bubbles', async () => {
    await open();
    const notice: ChatMessage = { id: 'n1', role: 'notice', text: 'The model is busy; try again in a minute.', at: 0 };
    await sendSnapshots(page, agentSnapshot(1, { chat: [notice, reply('r1', 'Hello')] }));
    const n = msg('n1');
    assert.equal(await n.getAttribute('data-role'), 'notice');
    assert.equal(await n.locator('.codicon-info').count(), 1);
    assert.equal(await n.locator('.chat-role').count(), 0, 'no "Devgem" label');
    assert.equal(await n.locator('.chat-text').textContent(), notice.text);
    assert.equal(await msg('r1').locator('.chat-role-name').textContent(), 'Devgem');
    const colours = await page.locator('#chat-log').evaluate((log) => {
      const view = log.ownerDocument.defaultView;
      const colour = (sel: string) => view.getComputedStyle(log.querySelector(sel)).color;
      return [colour('[data-id="n1"] .chat-text'), colour('[data-id="r1"] .chat-text')];
    });
    assert.notEqual(colours[0], colours[1], 'notices are muted');
  });

  describe('confirmation card', () => {
    const card = () => page.locator('#confirmation');

    it('shows the plan and diff, focuses Approve, and Approve posts the exact id and token once', async () => {
      await open();
      const request = deployConfirmation();
      await sendSnapshots(
        page,
        agentSnapshot(1, { chat: [toolMessage('t1', { status: 'awaiting-confirmation' })], agent: GEMINI_BUSY, confirmation: request }),
      );
      assert.equal(await card().isVisible(), true);
      assert.equal(await card().getAttribute('role'), 'alertdialog');
      assert.equal(await card().getAttribute('data-risk'), 'write');
      assert.equal(await page.locator('#confirm-title').textContent(), request.title);
      const plan = await page
        .locator('#confirm-plan .confirm-row')
        .evaluateAll((rows) => rows.map((r) => [r.querySelector('dt').textContent, r.querySelector('dd').textContent]));
      assert.deepEqual(
        plan,
        request.details.map((d) => [d.label, d.value]),
      );
      const diff = await page.locator('#confirm-diff .diff-line').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-kind'), l.textContent]));
      assert.deepEqual(diff.map(([, t]) => t).join(''), `${PLAN_DIFF}\n`);
      assert.deepEqual(
        diff.map(([k]) => k),
        ['meta', 'meta', 'hunk', 'context', 'del', 'add', 'context'],
      );
      const [delColour, ctxColour] = await page.locator('#confirm-diff').evaluate((pre) => {
        const view = pre.ownerDocument.defaultView;
        return ['del', 'context'].map((k) => view.getComputedStyle(pre.querySelector(`[data-kind="${k}"]`)).color);
      });
      assert.notEqual(delColour, ctxColour, 'removed lines are coloured');
      assert.equal(await page.locator('#confirm-approve').textContent(), 'Deploy');
      assert.equal(await activeElementId(page), 'confirm-approve', 'keyboard users land on the primary button');
      assert.equal(await page.locator('#chat-log').isVisible(), true);
      const order = await page
        .locator('.chat')
        .evaluate((chat) => Array.from(chat.children as ArrayLike<{ id: string; className: string }>).map((c) => c.id || c.className));
      assert.ok(order.indexOf('confirmation') === order.indexOf('chat-log') + 1, `card after the messages: ${order}`);

      await armed();
      await page.locator('#confirm-approve').click();
      await page.locator('#confirm-approve').click({ force: true });
      await page.locator('#confirm-decline').click({ force: true });
      assert.deepEqual(await posted(page), [{ type: 'confirm', id: 'confirm-1', token: 'tok-7f3e9a1c', approve: true }], 'one answer only');
      assert.equal(await isDisabled('#confirm-approve'), true);
      assert.equal(await isDisabled('#confirm-decline'), true);

      // An unrelated snapshot with the same open question keeps the buttons disabled.
      await sendSnapshots(
        page,
        agentSnapshot(2, { chat: [toolMessage('t1', { status: 'awaiting-confirmation' })], agent: GEMINI_BUSY, confirmation: deployConfirmation() }),
      );
      assert.equal(await isDisabled('#confirm-approve'), true);

      await sendSnapshots(page, agentSnapshot(3, { chat: [toolMessage('t1', { status: 'running' })], agent: GEMINI_BUSY }));
      assert.equal(await card().isVisible(), false, 'the card goes when the snapshot has no confirmation');
      assert.equal(await page.locator('#confirm-approve').count(), 0);
      assert.equal(await activeElementId(page), 'chat-input', 'focus returns to the input');
    });

    it('Decline posts approve: false', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deployConfirmation() }));
      await page.locator('#confirm-decline').click();
      assert.deepEqual(await posted(page), [{ type: 'confirm', id: 'confirm-1', token: 'tok-7f3e9a1c', approve: false }]);
      assert.equal(await isDisabled('#confirm-approve'), true);
      assert.equal(await isDisabled('#confirm-decline'), true);
      assert.equal(await page.locator('#confirm-status').textContent(), 'Declined.');
    });

    it('Review in diff editor: only for an edit the host holds; posts the question id and answers nothing', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deployConfirmation() }));
      assert.equal(await page.locator('#confirm-review').count(), 0, 'no button when the host holds no whole edit');
      await sendSnapshots(page, agentSnapshot(2, { confirmation: fixConfirmation() }));
      const review = page.locator('#confirm-review');
      assert.equal(await review.textContent(), 'Review in diff editor');
      assert.match((await review.getAttribute('aria-label')) ?? '', /^Review in diff editor: the whole change/);
      assert.equal(await review.locator('.codicon-diff').count(), 1);
      assert.equal(await activeElementId(page), 'confirm-approve', 'Approve keeps the focus');
      const [reviewBg, declineBg] = await page
        .locator('#confirm-review, #confirm-decline')
        .evaluateAll((bs) => bs.map((b) => b.ownerDocument.defaultView.getComputedStyle(b.shadowRoot.querySelector('.base') ?? b).backgroundColor));
      assert.equal(reviewBg, declineBg, 'a secondary button in the theme, like Decline');

      await review.click();
      await review.focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [
        { type: 'reviewDiff', id: 'confirm-3' },
        { type: 'reviewDiff', id: 'confirm-3' },
      ]);
      assert.equal(await isDisabled('#confirm-approve'), false, 'reviewing answers nothing');
      assert.equal(await card().getAttribute('data-answered'), null);

      await clearPosted(page);
      await page.locator('#confirm-decline').click();
      assert.equal(await isDisabled('#confirm-review'), true, 'an answered question has nothing left to review');
      await review.click({ force: true });
      assert.deepEqual(await posted(page), [{ type: 'confirm', id: 'confirm-3', token: 'tok-fix-9b2d', approve: false }]);
    });

    it('Escape declines, and a replacing question is answerable again', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deployConfirmation() }));
      await page.keyboard.press('Escape');
      assert.deepEqual(await posted(page), [{ type: 'confirm', id: 'confirm-1', token: 'tok-7f3e9a1c', approve: false }]);
      await page.keyboard.press('Escape');
      assert.equal((await posted(page)).length, 1, 'a second Escape posts nothing');

      await clearPosted(page);
      await sendSnapshots(page, agentSnapshot(2, { confirmation: deleteConfirmation() }));
      assert.equal(await isDisabled('#confirm-approve'), false);
      assert.equal(await activeElementId(page), 'confirm-approve');
      await armed();
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [{ type: 'confirm', id: 'confirm-2', token: 'tok-delete-55aa', approve: true }]);
    });

    it('ignores an Enter that arrives as the card appears (meant for the chat input)', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deployConfirmation() }));
      assert.equal(await activeElementId(page), 'confirm-approve');
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [], 'Approve is not armed yet');
      assert.equal(await isDisabled('#confirm-approve'), false);
      await armed();
      await page.keyboard.press('Enter');
      assert.equal((await posted(page)).length, 1);
    });

    it('a destructive action gets the danger style and a warning glyph', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deleteConfirmation() }));
      assert.equal(await card().getAttribute('data-risk'), 'destructive');
      assert.equal(await page.locator('#confirm-approve').textContent(), 'Delete service');
      assert.equal(await page.locator('#confirm-approve .codicon-warning').count(), 1);
      assert.equal(await page.locator('#confirm-diff').count(), 0, 'no diff block without a diff');
      const background = await page
        .locator('#confirm-approve')
        .evaluate((b) => b.ownerDocument.defaultView.getComputedStyle(b.shadowRoot.querySelector('.base') ?? b).backgroundColor);
      assert.equal(background, 'rgb(199, 46, 15)', 'statusBarItem.errorBackground in the dark theme');
    });

    it('does not persist the token in the saved webview state', async () => {
      await open();
      await sendSnapshots(page, agentSnapshot(1, { confirmation: deployConfirmation() }));
      const saved = JSON.stringify(await savedState(page));
      assert.ok(saved.includes('"version":1'), saved);
      assert.ok(!saved.includes('tok-7f3e9a1c'), 'the token is not written to setState');
    });

    it('ignores a snapshot whose confirmation is malformed', async () => {
      await open();
      for (const confirmation of [
        { ...deployConfirmation(), token: 42 },
        { ...deployConfirmation(), diffEditor: 'yes' },
      ]) {
        const bad = { ...agentSnapshot(1, { chat: [reply('r', 'x')] }), confirmation };
        await sendToWebview(page, { type: 'snapshot', snapshot: bad });
      }
      assert.equal(await page.locator('#chat-log .chat-msg').count(), 0);
      assert.equal(await card().isVisible(), false);
    });
  });

  describe('Stop and the mode line', () => {
    it('Stop shows only while the agent is busy, posts stop, and Send waits meanwhile', async () => {
      await open();
      const input = page.locator('#chat-input textarea');
      await sendSnapshots(page, agentSnapshot(1, { agent: GEMINI }));
      assert.equal(await page.locator('#chat-stop').isVisible(), false);
      assert.equal(await page.locator('#chat-busy-hint').textContent(), '');

      await sendSnapshots(page, agentSnapshot(2, { agent: GEMINI_BUSY }));
      assert.equal(await page.locator('#chat-stop').isVisible(), true);
      assert.equal(await page.locator('#chat-stop .codicon-debug-stop').count(), 1);
      assert.equal(await isDisabled('#chat-send'), true);
      assert.equal(await page.locator('#chat-busy-hint').textContent(), 'Devgem is working… (Stop to interrupt)');
      await input.fill('and then show logs');
      await page.keyboard.press('Enter');
      await page.locator('#chat-send').click({ force: true });
      assert.deepEqual(await posted(page), [], 'nothing is sent while busy');
      assert.equal(await input.inputValue(), 'and then show logs', 'the draft is kept');

      await page.locator('#chat-stop').click();
      assert.deepEqual(await posted(page), [{ type: 'stop' }]);
      // Keyboard users reach Stop with Tab from the input.
      await input.focus();
      await page.keyboard.press('Tab');
      assert.equal(await activeElementId(page), 'chat-stop');
      await page.keyboard.press('Enter');
      assert.deepEqual((await posted(page)).at(-1), { type: 'stop' });

      await clearPosted(page);
      await sendSnapshots(page, agentSnapshot(3, { agent: GEMINI }));
      assert.equal(await page.locator('#chat-stop').isVisible(), false);
      assert.equal(await activeElementId(page), 'chat-input', 'focus leaves the vanished Stop for the input');
      assert.equal(await isDisabled('#chat-send'), false);
      await input.focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [{ type: 'chat', text: 'and then show logs' }]);
    });

    it('says which model answers, or that AI is off', async () => {
      await open();
      assert.equal(await page.locator('#agent-mode').isVisible(), false, 'nothing claimed before the host says');
      await sendSnapshots(page, agentSnapshot(1, { agent: GEMINI }));
      assert.equal(await page.locator('#agent-mode').textContent(), 'AI: gemini-2.5-flash (Vertex AI)');
      await sendSnapshots(page, agentSnapshot(2, { agent: { busy: false, mode: 'offline' } }));
      assert.equal(await page.locator('#agent-mode').textContent(), 'AI is off — I understand deploy, status, logs, env, rollback, help.');
      assert.equal(await page.locator('#agent-mode').isVisible(), true);
    });
  });

  it('keeps markup in replies, tool cards and the confirmation inert', async () => {
    await open();
    const chat: ChatMessage[] = [
      reply('r1', `${XSS_IMG}\n\`\`\`html\n${XSS_SCRIPT}\n\`\`\`\n${XSS_SCRIPT}`),
      reply('r2', XSS_IMG, true),
      toolMessage('t1', { status: 'failed', name: XSS_IMG, args: `{"x": "${XSS_SCRIPT}"}`, summary: XSS_IMG }),
      { id: 'n1', role: 'notice', text: XSS_SCRIPT, at: 0 },
    ];
    const confirmation = deployConfirmation({
      title: XSS_IMG,
      tool: XSS_SCRIPT,
      approveLabel: XSS_IMG,
      details: [{ label: XSS_SCRIPT, value: XSS_IMG }],
      diff: `+${XSS_IMG}\n-${XSS_SCRIPT}`,
    });
    await sendSnapshots(page, agentSnapshot(1, { chat, confirmation, agent: { busy: true, mode: 'gemini', model: XSS_IMG } }));
    await page.waitForTimeout(200);
    assert.equal(await msg('r1').locator('pre code').textContent(), XSS_SCRIPT);
    assert.equal(await msg('r2').locator('.chat-text').textContent(), XSS_IMG);
    assert.equal(await page.locator('.tool-card .tool-name').textContent(), XSS_IMG);
    await page.locator('.tool-card summary').click();
    assert.equal(await page.locator('.tool-card .tool-args').textContent(), `{"x": "${XSS_SCRIPT}"}`);
    assert.equal(await page.locator('#confirm-title').textContent(), XSS_IMG);
    assert.equal(await page.locator('#confirm-plan dd').textContent(), XSS_IMG);
    assert.equal(await page.locator('#confirm-diff').textContent(), `+${XSS_IMG}\n-${XSS_SCRIPT}\n`);
    assert.equal(await page.locator('#agent-mode').textContent(), `AI: ${XSS_IMG}`);
    assert.equal(await page.locator('#app img, #app script').count(), 0, 'no element was created from data');
    assert.equal(await pwned(page), undefined);
  });

  it('nothing overflows a 220 px sidebar, even with long unbroken values', async () => {
    await open({}, 220);
    const long = 'x'.repeat(300);
    const chat: ChatMessage[] = [
      reply('r1', `${long}\n\`\`\`\n${long}\n\`\`\``),
      toolMessage('t1', { status: 'running', name: `tool_${long}`, args: `{"k": "${long}"}`, summary: long }),
      { id: 'n1', role: 'notice', text: long, at: 0 },
    ];
    const confirmation = deployConfirmation({ title: long, details: [{ label: long, value: long }], diff: `+${long}`, diffEditor: true });
    await sendSnapshots(page, agentSnapshot(1, { chat, confirmation, agent: { ...GEMINI_BUSY, model: long } }));
    await page.locator('.tool-card summary').click();
    assert.equal(await horizontalOverflow(page), 0);
  });

  describe('screenshots', () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      it(`confirmation card in ${theme}`, async () => {
        await open({ theme }, 300);
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const chat: ChatMessage[] = [
          chatMessage('u1', 'user', 'Deploy this to Cloud Run, port 8080 please'),
          reply('r1', 'I will change the exposed port and deploy:\n```diff\n-EXPOSE 3000\n+EXPOSE 8080\n```'),
          toolMessage('t0', { status: 'done', name: 'analyze_workspace', risk: 'read', summary: 'Node.js 20, npm start, port 3000' }),
          toolMessage('t1', { status: 'awaiting-confirmation', summary: 'Waiting for your approval' }),
          { id: 'n1', role: 'notice', text: 'Using project devgem-demo in us-central1.', at: 0 },
        ];
        await sendSnapshots(page, agentSnapshot(1, { chat, agent: GEMINI_BUSY, confirmation: deployConfirmation() }));
        await page.locator('body').evaluate((b) => (b.ownerDocument.activeElement as { blur(): void }).blur());
        const file = path.join(ARTIFACTS, `confirmation-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 5_000);
        assert.equal(await horizontalOverflow(page), 0, 'nothing overflows a 300 px sidebar');

        await sendSnapshots(page, agentSnapshot(2, { chat, agent: GEMINI_BUSY, confirmation: deleteConfirmation() }));
        const destructive = path.join(ARTIFACTS, `confirmation-destructive-${theme}.png`);
        await page.locator('#confirmation').screenshot({ path: destructive });
        assert.ok(fs.statSync(destructive).size > 2_000);

        await sendSnapshots(page, agentSnapshot(3, { chat, agent: GEMINI_BUSY, confirmation: fixConfirmation() }));
        const fix = path.join(ARTIFACTS, `confirmation-fix-${theme}.png`);
        await page.locator('#confirmation').screenshot({ path: fix });
        assert.ok(fs.statSync(fix).size > 2_000);
        assert.equal(await horizontalOverflow(page), 0, 'Review in diff editor wraps in a 300 px sidebar');
      });
    }
  });
});
