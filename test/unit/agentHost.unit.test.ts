// VscodeAgentContext (src/adapters/vscode/chat/agentHost.ts) against a small
// stand-in for `vscode`: which folder the agent's deploy options come from.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import type * as AgentHost from '../../src/adapters/vscode/chat/agentHost';
import type { DeployRunner } from '../../src/adapters/vscode/deploy/deployRunner';
import type { UsageGuard } from '../../src/core/base/usage';
import type { DeploySession } from '../../src/core/deploy/deploySession';
import type { CloudPorts } from '../../src/core/cloud/ports';
import { useVscodeStub } from '../support/vscodeStub';

const SUBJECT = require.resolve('../../src/adapters/vscode/chat/agentHost');
const SETTINGS = require.resolve('../../src/adapters/vscode/settings');

let folders: { name: string; uri: { fsPath: string } }[] | undefined;
const settings: Record<string, unknown> = { project: 'user-project', region: 'us-central1' };
const asked: (string | undefined)[] = [];

const stub = {
  workspace: {
    get workspaceFolders() {
      return folders;
    },
    getConfiguration: (_section: string, scope?: { fsPath: string }) => {
      asked.push(scope?.fsPath);
      return { get: (key: string, fallback?: unknown) => (key in settings ? settings[key] : fallback) };
    },
  },
  Uri: { file: (fsPath: string) => ({ fsPath }) },
};

describe('the agent context in VS Code', () => {
  // settings.ts binds `vscode` when first required: load it fresh against this stub.
  before(() => delete require.cache[SETTINGS]);
  after(() => delete require.cache[SETTINGS]);
  const subject = useVscodeStub<typeof AgentHost>(stub, SUBJECT);
  // The folder Devgem works on is the first open one until the user chooses another.
  const context = () =>
    new (subject.load().VscodeAgentContext)({
      session: {} as DeploySession,
      runner: {} as DeployRunner,
      ports: () => ({}) as CloudPorts,
      usage: {} as UsageGuard,
      folders: { current: () => folders?.[0] as never },
    });

  beforeEach(() => {
    folders = undefined;
    asked.length = 0;
  });

  it('reads the open folder’s settings, with or without folderOptional', () => {
    folders = [{ name: 'shop', uri: { fsPath: '/work/shop' } }];
    for (const opts of [undefined, { folderOptional: true }]) {
      const o = context().deployOptions(opts);
      assert.equal(o.workspaceRoot, '/work/shop');
      assert.equal(o.project, 'user-project');
    }
    assert.deepEqual(asked, ['/work/shop', '/work/shop']);
  });

  it('without an open folder, refuses a folder deploy with what to do, but gives a GitHub deploy the user’s settings', () => {
    assert.throws(
      () => context().deployOptions(),
      (err: Error & { fix?: string }) => /No folder is open/.test(err.message) && /Open Folder/.test(err.fix ?? ''),
    );
    const o = context().deployOptions({ folderOptional: true });
    assert.equal(o.project, 'user-project');
    assert.equal(o.region, 'us-central1');
    assert.equal(o.workspaceRoot, os.tmpdir(), 'a place to stand, never a folder of the user’s');
  });
});
