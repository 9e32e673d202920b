// The settings that protect the user (daily limits, the Gemini backend, the emulator host, the
// download cap) come only from the user's settings: a cloned repository's .vscode/settings.json
// cannot lift limits or redirect calls, even in a VS Code that would still merge its values.
import * as assert from 'node:assert/strict';
import type * as Settings from '../../src/adapters/vscode/settings';
import { allSettings, localizedManifest, type SettingSection } from '../support/manifest';
import { useVscodeStub } from '../support/vscodeStub';

type Values = Record<string, unknown>;
const user: Values = {};
const workspace: Values = {};
const defaults: Values = { 'limits.deploysPerDay': 50, 'limits.modelCallsPerDay': 500, 'limits.tokensPerDay': 0, 'ai.provider': 'auto' };

/** An old VS Code's merge: get() returns the workspace value over the user's; inspect() tells them apart. */
const stub = {
  workspace: {
    getConfiguration: () => ({
      get: (key: string, fallback?: unknown) => (key in workspace ? workspace[key] : key in user ? user[key] : (defaults[key] ?? fallback)),
      inspect: (key: string) => ({ key: `devgem.${key}`, defaultValue: defaults[key], globalValue: user[key], workspaceValue: workspace[key] }),
    }),
  },
};

describe('settings that protect the user', () => {
  const subject = useVscodeStub<typeof Settings>(stub, require.resolve('../../src/adapters/vscode/settings'));
  const clear = (v: Values) => Object.keys(v).forEach((k) => delete v[k]);
  beforeEach(() => {
    clear(user);
    clear(workspace);
  });

  it('a workspace value cannot lift the daily limits (0 would mean unlimited)', () => {
    Object.assign(workspace, { 'limits.deploysPerDay': 0, 'limits.modelCallsPerDay': 0, 'limits.tokensPerDay': 0 });
    user['limits.tokensPerDay'] = 20_000;
    assert.deepEqual(subject.load().readUsageLimits(), { deploysPerDay: 50, modelCallsPerDay: 500, tokensPerDay: 20_000 });
  });

  it('the user’s own values still count', () => {
    Object.assign(user, { 'limits.deploysPerDay': 3, 'ai.model': 'gemini-x' });
    assert.equal(subject.load().readUsageLimits().deploysPerDay, 3);
    assert.equal(subject.load().readAgentSettings().model, 'gemini-x');
  });

  it('a workspace cannot send prompts elsewhere or point Google Cloud calls at another host', () => {
    Object.assign(workspace, {
      'ai.provider': 'apiKey',
      'ai.vertexProject': 'attacker-project',
      'ai.vertexLocation': 'us-east9',
      'ai.model': 'x',
      'ai.maxSteps': 50,
      emulatorHost: '127.0.0.1:1',
      'github.maxDownloadMB': 100_000,
    });
    const s = subject.load();
    const agent = s.readAgentSettings();
    assert.equal(agent.provider, 'auto');
    assert.equal(agent.vertexProject, undefined);
    assert.equal(agent.vertexLocation, 'global');
    assert.equal(agent.model, s.DEFAULT_MODEL);
    assert.equal(agent.maxSteps, 12);
    const env = process.env.DEVGEM_EMULATOR_HOST;
    delete process.env.DEVGEM_EMULATOR_HOST;
    try {
      assert.equal(s.readGcpConfig().emulatorHost, undefined);
    } finally {
      if (env !== undefined) process.env.DEVGEM_EMULATOR_HOST = env;
    }
    assert.ok(s.readMaxDownloadBytes() < 100_000 * 1024 * 1024);
  });

  it('package.json scopes them to the machine and says so', () => {
    // The emulator host is no setting at all (DEVGEM_EMULATOR_HOST only): nothing a repository could set.
    const manifest = localizedManifest<{ contributes: { configuration: SettingSection[] } }>();
    const props = Object.entries(allSettings(manifest.contributes.configuration) as Record<string, { scope?: string; markdownDescription?: string }>).filter(
      ([k]) => /^devgem\.(limits|ai)\./.test(k) || k === 'devgem.emulatorHost' || k === 'devgem.github.maxDownloadMB',
    );
    assert.ok(props.length >= 10);
    for (const [k, p] of props) {
      assert.ok(p.scope === 'machine' || p.scope === 'application', `${k}: ${p.scope}`);
      assert.match(p.markdownDescription ?? '', /workspace's `\.vscode\/settings\.json` cannot change it/, k);
    }
  });
});
