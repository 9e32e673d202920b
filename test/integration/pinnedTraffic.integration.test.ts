// After a rollback pinned the traffic to an older revision, an env change makes
// a new revision that serves no one: the chat says so (read from the traffic
// split, not assumed) and "send traffic to …" moves it, after a confirmation.
// Real Cloud Run SDK clients against the emulator.
import * as assert from 'node:assert/strict';
import { createToolRegistry } from '../../src/core/agent/tools';
import { answerOffline } from '../../src/core/chat/offline';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';
import { TestConfirm, testAgentContext } from '../support/agentHarness';
import { useEmulator } from '../support/useEmulator';
import { envEchoFiles, sameWorkspace } from '../support/workspace';

const never = new AbortController().signal;

describe('honest results after a rollback pinned the traffic', function () {
  this.timeout(120_000);
  const fx = useEmulator();

  async function text(url: string): Promise<string> {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  }

  it('"set GREETING=hi" says the new revision gets no traffic and what still serves; "send traffic to …" serves it', async () => {
    const ws = await sameWorkspace(await envEchoFiles('1'), 'echo');
    try {
      const ctx = testAgentContext(ws.root, fx.ports);
      const confirm = new TestConfirm([], true);
      const chat = (message: string) =>
        answerOffline(
          parseChatIntent(message),
          { registry: createToolRegistry(), ctx, confirm, events: { tool: () => undefined }, cancelDeploy: () => false },
          never,
        );

      assert.match(await chat('deploy this'), /^Deployed echo to /);
      const v1 = ctx.lastDeploy()?.result;
      assert.ok(v1?.outcome === 'success');
      await ws.cleanup();
      await sameWorkspace(await envEchoFiles('2'), 'echo');
      assert.match(await chat('deploy this'), /^Deployed echo to /);
      assert.match(await text(v1.url), /from v2/);
      assert.match(await chat('roll back'), new RegExp(`^Rolled back echo: ${v1.revision} now gets 100% of traffic`));
      assert.match(await text(v1.url), /hello nobody from v1/);

      const asked = confirm.asked.length;
      const reply = await chat('set GREETING=hi');
      const effect = confirm.asked[asked].details.find((d) => d.label === 'Effect')?.value;
      assert.match(
        effect ?? '',
        new RegExp(
          `^A new revision is made from the service's configuration \\(image \\S+\\), but the traffic stays on ${v1.revision} \\(an earlier rollback pinned it there\\)`,
        ),
      );
      const fresh = /New revision (echo-\d{5}-\w+) is ready but gets no traffic/.exec(reply)?.[1];
      assert.ok(fresh, reply);
      assert.match(reply, new RegExp(`${v1.revision} still serves all of echo`));
      assert.match(reply, new RegExp(`say "send traffic to ${fresh}"`));
      // The rollback left the service's configuration on v2's image: the new revision runs that, and the reply says so.
      assert.match(reply, new RegExp(`Note that ${fresh} runs \\S+, not ${v1.image.replace(/[.]/g, '\\.')} that serves now\\.`));
      assert.doesNotMatch(reply, new RegExp(`${fresh} now serves`));
      assert.match(await text(v1.url), /hello nobody from v1/, 'what the reply says is what the URL serves');

      const moved = await chat(`send traffic to ${fresh}`);
      assert.equal(confirm.asked.at(-1)?.title, `Send all traffic of "echo" to ${fresh}`);
      assert.equal(moved, `${fresh} now gets 100% of the traffic of echo.`);
      assert.match(await text(v1.url), /hello hi from v2/);

      // Following "latest" again, the next change serves at once, and says so.
      assert.match(await chat('set GREETING=again'), /^Updated GREETING on echo\. Revision echo-\d{5}-\w+ now serves echo\.$/);
    } finally {
      await ws.cleanup();
    }
  });
});
