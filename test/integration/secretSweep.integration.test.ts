// Planted-secret sweep (issue 7): unique fake secrets go into a workspace's
// .env, into Secret Manager through the agent's .env import, and in as the
// Gemini API key; then a whole chat runs against the emulator with the real
// SDKs (deploy, import, redeploy, reads of logs, files and history, a user
// pasting the value) and every artifact is searched for them. The only place
// a value may be is Secret Manager, and the app that reads it.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type * as vscode from 'vscode';
import { createModelPorts } from '../../src/adapters/gemini/index';
import { WorkspaceSnapshotStore } from '../../src/adapters/vscode/webview/snapshotStore';
import { workspaceManifestStore } from '../../src/adapters/vscode/deploy/manifestStore';
import { ChatController } from '../../src/core/chat/chatController';
import type { SavedConversation } from '../../src/core/agent/conversation';
import { addKnownSecret } from '../../src/core/base/redact';
import { resilientModel } from '../../src/core/agent/resilientModel';
import { SessionConfirm } from '../../src/core/chat/sessionConfirm';
import { createToolRegistry } from '../../src/core/agent/tools';
import { UsageGuard, type UsageCounts } from '../../src/core/base/usage';
import { DeploySession } from '../../src/core/deploy/deploySession';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { realClock } from '../../src/core/base/wait';
import { STAGE_TITLES, type DeployEvent } from '../../src/shared/protocol';
import { type Emulator, type ScriptedReply } from '../../emulator/src/server';
import { MemoryStore, testAgentContext } from '../support/agentHarness';
import { makeWorkspace } from '../support/workspace';
import { DATABASE_URL, DB_PASSWORD, SECRET_APP, STRIPE } from '../support/secretApp';
import { useEmulator } from '../support/useEmulator';

const REF = { project: 'demo-project', region: 'europe-west1', service: 'shop' };
const never = new AbortController().signal;

// Not shaped like any key the redaction patterns know: only the known-secret list can hide it.
const API_KEY = `gem${randomBytes(14).toString('hex')}`;
const PLANTED: Record<string, string> = { STRIPE_SECRET_KEY: STRIPE, 'the DATABASE_URL password': DB_PASSWORD, 'the Gemini API key': API_KEY };

/** The value, and its base64 at each of the three byte alignments (what an SDK or a tar.gz may carry). */
function needles(value: string): string[] {
  return [value, ...[0, 1, 2].map((k) => Buffer.from(value.slice(k)).toString('base64').slice(0, -4))];
}

/** Names of the planted secrets found in `text` (empty when clean). */
function hits(text: string): string[] {
  return Object.entries(PLANTED)
    .filter(([, v]) => needles(v).some((n) => text.includes(n)))
    .map(([name]) => name);
}

const APP: Record<string, string> = {
  ...SECRET_APP,
  '.env': `# local settings\nGREETING=hello\nSTRIPE_SECRET_KEY=${STRIPE}\nDATABASE_URL="${DATABASE_URL}"\n`,
};

/** Where a value sits in a text, with the value itself masked (for the failure message). */
function around(text: string, value: string): string {
  const i = text.indexOf(value);
  return i < 0 ? '(base64)' : `${text.slice(Math.max(0, i - 80), i)}<PLANTED>${text.slice(i + value.length, i + value.length + 40)}`;
}

const sha = (v: string) => createHash('sha256').update(v).digest('hex');
const fc = (name: string, args: Record<string, unknown> = {}) => ({ functionCall: { name, args } });

/** Workspace storage (what the VS Code adapters write to `workspaceState`), every write kept. */
class RecordingMemento {
  readonly writes: { key: string; value: unknown }[] = [];
  get<T>(key: string): T | undefined {
    return this.writes.filter((w) => w.key === key).at(-1)?.value as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.writes.push({ key, value: JSON.parse(JSON.stringify(value)) });
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...new Set(this.writes.map((w) => w.key))];
  }
}

/** What DeployRunner writes to the output channel for each deploy event. */
function outputLines(e: DeployEvent): string[] {
  switch (e.type) {
    case 'started':
      return [`Deploy ${e.deployId} of ${e.workspace}`];
    case 'target':
      return [`Target: project ${e.target.project}, region ${e.target.region}, service ${e.target.service}`];
    case 'stage':
      return [`[${e.stage}] ${e.status}${e.detail ? `: ${e.detail}` : ''} (${STAGE_TITLES[e.stage]})`];
    case 'log':
      return e.lines.map((l) => `[build] ${l}`);
    case 'finished':
      return [`Finished: ${JSON.stringify(e.result)}`];
    default:
      return [JSON.stringify(e)];
  }
}

describe('planted-secret sweep: deploy, .env import and chat through the real SDKs against the emulator', function () {
  this.timeout(180_000);
  const fx = useEmulator();
  let emu: Emulator;
  let ports: CloudPorts;
  before(() => ({ emu, ports } = fx));

  async function emulatorGet(path: string): Promise<Buffer> {
    const res = await fetch(`${emu.baseUrl}${path}`, { headers: { authorization: 'Bearer test' } });
    assert.equal(res.status, 200, `GET ${path}`);
    return Buffer.from(await res.arrayBuffer());
  }

  it('finds no planted value anywhere but Secret Manager and the running app', async () => {
    const ws = await makeWorkspace(APP, REF.service);
    try {
      // The composition the extension builds, with workspace storage recorded.
      const memento = new RecordingMemento();
      const snapshotStore = new WorkspaceSnapshotStore(memento as unknown as vscode.Memento);
      const session = new DeploySession(snapshotStore);
      const webview: string[] = [];
      session.onDidChange((s) => webview.push(JSON.stringify(s)));
      session.onDidLog((_id, lines) => webview.push(lines.join('\n')));
      const confirm = new SessionConfirm(session, realClock, 30_000);
      // The webview's user clicks approve on each card, with the token the snapshot carried.
      session.onDidChange((s) => {
        if (s.confirmation) setImmediate(() => confirm.answer(s.confirmation!.id, s.confirmation!.token, true));
      });
      const output: string[] = [];
      const events: string[] = [];
      const usage = new UsageGuard(new MemoryStore<UsageCounts>(), () => ({ deploysPerDay: 0, modelCallsPerDay: 0 }));
      const ctx = testAgentContext(ws.root, ports, { session, usage });
      const manifests = workspaceManifestStore(memento as unknown as vscode.Memento);
      ctx.manifests = () => manifests;
      ctx.runDeploy = (o, signal) =>
        session.run(
          (emit, s) =>
            runDeploy(
              o,
              {
                ports,
                manifests,
                buildPollMs: 100,
                emit: (e) => {
                  events.push(JSON.stringify(e));
                  output.push(...outputLines(e));
                  emit(e);
                },
              },
              s,
            ),
          signal,
        );

      // As ModelProvider.get does: the stored key joins the redaction list before the model is built.
      addKnownSecret(API_KEY);
      const model = resilientModel(createModelPorts({ model: 'gemini-3.8-flash', apiKey: API_KEY, emulatorBaseUrl: emu.baseUrl }), {
        clock: realClock,
        baseDelayMs: 20,
        maxDelayMs: 200,
      });
      const conversationStore = {
        load: () => memento.get<SavedConversation>('devgem.conversation.v1'),
        save: (c: SavedConversation) => memento.update('devgem.conversation.v1', c),
      };
      const chat = new ChatController({
        session,
        registry: createToolRegistry(),
        ctx,
        confirm,
        model: async () => model,
        store: conversationStore,
        facts: () => ({ workspaceName: 'shop', options: { project: REF.project, region: REF.region, allowUnauthenticated: true } }),
        streamFlushMs: 0,
        log: (l) => output.push(l),
      });
      const say = async (text: string, ...replies: ScriptedReply[]) => {
        emu.gemini.script(replies);
        await chat.handle(text);
        const tools = session.current.chat.filter((m) => m.tool).map((m) => `${m.tool!.name}:${m.tool!.status}`);
        return tools;
      };

      // 1. Deploy (the .env stays home), 2. import it, 3. deploy again, 4. read everything back, 5. the user pastes a value.
      await say(
        'deploy this to europe-west1 as shop',
        { parts: [fc('analyze_workspace')] },
        { parts: [fc('deploy', { service: 'shop', region: REF.region })] },
        { parts: [{ text: 'Deployed.' }] },
      );
      const first = session.current.deploy?.result;
      assert.equal(first?.outcome, 'success', JSON.stringify(first));
      const url = first?.outcome === 'success' ? first.url : '';
      await say(
        'import my .env into shop',
        { parts: [fc('read_file', { path: '.env' })] },
        { parts: [fc('import_env_file', { service: 'shop' })] },
        { parts: [{ text: 'Imported.' }] },
      );
      const seen = (await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as Record<string, string | null>;
      assert.deepEqual(seen, { greeting: 'hello', stripe: sha(STRIPE), db: sha(DATABASE_URL) }, 'the app got the values (the sweep has something to find)');
      await say('deploy again', { parts: [fc('deploy', { service: 'shop', region: REF.region })] }, { parts: [{ text: 'Redeployed.' }] });
      const second = session.current.deploy?.result;
      assert.equal(second?.outcome, 'success', JSON.stringify(second));
      await say(
        'what does shop look like now?',
        {
          parts: [
            fc('describe_service', { service: 'shop' }),
            fc('get_service_logs', { service: 'shop' }),
            fc('get_build_logs'),
            fc('get_deploy_status'),
            fc('get_deploy_history'),
            fc('list_revisions', { service: 'shop' }),
          ],
        },
        {
          parts: [
            fc('get_build_logs', { deployId: session.current.history?.at(-1)?.deployId ?? 'x' }),
            fc('get_changes_since_deploy'),
            fc('generate_dockerfile'),
          ],
        },
        { parts: [{ text: 'All fine.' }] },
      );
      await say(`is my stripe key ${STRIPE} set? the db password is ${DB_PASSWORD}`, { parts: [{ text: 'Yes, both are in Secret Manager.' }] });
      assert.equal(await (await fetch(url)).text().then((t) => JSON.parse(t).stripe), sha(STRIPE), 'the redeploy kept the secret reference');
      snapshotStore.flush();

      const tools = session.current.chat.filter((m) => m.tool).map((m) => `${m.tool!.name}:${m.tool!.status}`);
      assert.deepEqual(tools, [
        'analyze_workspace:done',
        'deploy:done',
        'read_file:failed',
        'import_env_file:done',
        'deploy:done',
        'describe_service:done',
        'get_service_logs:done',
        'get_build_logs:done',
        'get_deploy_status:done',
        'get_deploy_history:done',
        'list_revisions:done',
        'get_build_logs:done',
        'get_changes_since_deploy:done',
        'generate_dockerfile:done',
      ]);

      // Positive control: Secret Manager holds the values (the one legitimate place).
      assert.equal(await ports.secrets.latestMatching(REF.project, 'shop-stripe-secret-key', STRIPE, never), '1');
      assert.equal(await ports.secrets.latestMatching(REF.project, 'shop-database-url', DATABASE_URL, never), '1');

      // Every artifact, by where it lives.
      const artifacts: { what: string; text: string }[] = [];
      const state = JSON.parse((await emulatorGet('/__emulator/state')).toString()) as { buckets: { name: string; objects: string[] }[] };
      let tarballs = 0;
      for (const b of state.buckets) {
        for (const o of b.objects) {
          const bytes = await emulatorGet(`/storage/v1/b/${b.name}/o/${encodeURIComponent(o)}?alt=media`);
          artifacts.push({ what: `gs://${b.name}/${o}`, text: bytes.toString('latin1') });
          if (o.endsWith('.tar.gz')) {
            tarballs++;
            const tar = gunzipSync(bytes).toString('latin1');
            assert.match(tar, /server\.js/, `${o} holds the app`);
            assert.ok(!/(^|\/|\0)\.env\0/.test(tar), `${o} does not hold .env`);
            artifacts.push({ what: `the uploaded source ${o} (unpacked)`, text: tar });
          }
        }
      }
      assert.ok(tarballs >= 1, 'a source tarball was uploaded');
      assert.ok(
        state.buckets.some((b) => b.objects.some((o) => /log/.test(o))),
        'a build log was stored',
      );
      const svc = `/v2/projects/${REF.project}/locations/${REF.region}/services/${REF.service}`;
      artifacts.push({ what: 'the Cloud Run service', text: (await emulatorGet(svc)).toString() });
      artifacts.push({ what: 'the Cloud Run revisions', text: (await emulatorGet(`${svc}/revisions`)).toString() });
      artifacts.push({ what: 'the service log', text: JSON.stringify(await ports.logging.readServiceLogs({ ...REF, limit: 500 }, never)) });
      artifacts.push({ what: 'the deploy events', text: events.join('\n') });
      artifacts.push({ what: 'a snapshot or log batch sent to the webview', text: webview.join('\n') });
      for (const key of memento.keys()) artifacts.push({ what: `workspaceState ${key}`, text: JSON.stringify(memento.writes.filter((w) => w.key === key)) });
      artifacts.push({ what: 'the output channel', text: output.join('\n') });
      artifacts.push({ what: 'a request to the Gemini endpoint', text: JSON.stringify(emu.gemini.requests()) });
      artifacts.push({ what: 'the emulator log', text: fx.log.join('\n') });

      // The sweep looked where it should: the stores and logs it searched were written.
      assert.ok(
        memento.keys().includes('devgem.snapshot.v1') && memento.keys().includes('devgem.conversation.v1') && memento.keys().includes('devgem.deployManifests'),
        memento.keys().join(', '),
      );
      assert.ok(
        output.some((l) => l.startsWith('[build] ')),
        'build log lines reached the output channel',
      );
      assert.ok(emu.gemini.requests().length >= 10, 'the model was asked');
      assert.ok(fx.log.some((l) => /\[secretmanager\] shop-stripe-secret-key: added version 1/.test(l)));

      const found = artifacts.flatMap((a) => hits(a.text).map((h) => `${h} in ${a.what}: …${around(a.text, PLANTED[h])}…`));
      assert.deepEqual(found, [], 'planted secrets leaked');
    } finally {
      await ws.cleanup();
    }
  });
});
