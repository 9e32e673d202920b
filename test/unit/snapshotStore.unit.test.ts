import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { WorkspaceSnapshotStore } from '../../src/adapters/vscode/webview/snapshotStore';
import { reduceDeploy } from '../../src/shared/deployState';
import type { DeployEvent, DeployState, ViewSnapshot } from '../../src/shared/protocol';

/** Workspace storage that records every write. */
class MemoryMemento {
  readonly writes: unknown[] = [];
  get<T>(): T | undefined {
    return this.writes.at(-1) as T | undefined;
  }
  update(_key: string, value: unknown): Thenable<void> {
    this.writes.push(value);
    return Promise.resolve();
  }
}

describe('WorkspaceSnapshotStore', () => {
  let deploy: DeployState | undefined;
  let version = 0;
  const snap = (e: DeployEvent): ViewSnapshot => {
    deploy = reduceDeploy(deploy, e);
    return { version: ++version, busy: true, chat: [], deploy };
  };

  it('writes log lines at most once a second, but the build id, resume data and stage changes at once', () => {
    const memento = new MemoryMemento();
    const store = new WorkspaceSnapshotStore(memento as unknown as vscode.Memento);
    try {
      store.save(snap({ type: 'started', deployId: 'd1', workspace: '/ws', at: 1 }));
      assert.equal(memento.writes.length, 1, 'a deploy starting is written at once');
      store.save(snap({ type: 'log', stage: 'build', lines: ['a'] }));
      store.save(snap({ type: 'log', stage: 'build', lines: ['b'] }));
      assert.equal(memento.writes.length, 1, 'log lines wait for the timer');

      const resumeData = {
        project: 'p',
        region: 'r',
        service: 's',
        bucket: 'b',
        image: 'i',
        port: 8080,
        allowUnauthenticated: true,
        buildTimeoutSeconds: 60,
        deployTimeoutSeconds: 60,
        verifyTimeoutSeconds: 60,
      };
      const withResume = snap({ type: 'resume', data: resumeData });
      store.save(withResume);
      assert.equal(memento.writes.length, 2);
      assert.equal(memento.writes.at(-1), withResume, 'the newest snapshot, log lines included');

      store.save(snap({ type: 'stage', stage: 'build', status: 'running', at: 2 }));
      assert.equal(memento.writes.length, 3, 'a stage change is written at once');
      const withBuild = snap({ type: 'build', id: 'b-42', logObject: 'log-b-42.txt' });
      store.save(withBuild);
      assert.equal(memento.writes.length, 4);
      assert.equal((memento.writes.at(-1) as ViewSnapshot).deploy?.build?.id, 'b-42');

      store.save(snap({ type: 'log', stage: 'build', lines: ['c'] }));
      assert.equal(memento.writes.length, 4);
    } finally {
      store.dispose();
    }
    assert.equal(memento.writes.length, 5, 'dispose writes what was pending');
    assert.deepEqual((memento.writes.at(-1) as ViewSnapshot).deploy?.log, ['a', 'b', 'c']);
  });
});
