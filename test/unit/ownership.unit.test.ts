import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { labelProblem } from '../../emulator/src/labels';
import { parseArgs } from '../../src/cli/args';
import { deployRequestFrom } from '../../src/cli/deployArgs';
import { cliDeployUi } from '../../src/cli/deployUi';
import { USAGE } from '../../src/cli/usage';
import { unattendedUi } from '../../src/core/deploy/deployUi';
import { normalizeRemote, originOf } from '../../src/core/deploy/origin';
import { devgemLabels, ownershipOf, takeOverDetails, takeOverRefused, type TakeOver } from '../../src/core/deploy/ownership';
import { remoteUrl } from '../../src/core/git/gitRemote';
import { makeWorkspace } from '../support/workspace';

const signal = new AbortController().signal;

const FOREIGN: TakeOver = {
  existing: {
    ref: { project: 'p', region: 'europe-west1', service: 'api' },
    image: 'europe-docker.pkg.dev/payments/app/api:v7',
    labels: { team: 'payments' },
    public: false,
    invokers: ['group:payments@example.com'],
    updateTime: '2026-01-02T03:04:05.000Z',
    lastModifier: 'payments-team@example.com',
  },
  ownership: 'foreign',
  origin: { describe: 'github.com/acme/api', label: '0123456789abcdef' },
  makesPublic: true,
};

describe('ownership: whose service it is', () => {
  it("tells Devgem's own service from someone else's, another workspace's and an earlier version's", () => {
    assert.equal(ownershipOf({ 'managed-by': 'devgem', 'devgem-origin': 'abc' }, 'abc'), 'ours');
    assert.equal(ownershipOf({ 'managed-by': 'devgem', 'devgem-origin': 'abc', team: 'x' }, 'def'), 'other-origin');
    assert.equal(ownershipOf({ 'managed-by': 'devgem' }, 'abc'), 'unknown-origin');
    assert.equal(ownershipOf({ team: 'payments' }, 'abc'), 'foreign');
    assert.equal(ownershipOf({ 'managed-by': 'terraform', 'devgem-origin': 'abc' }, 'abc'), 'foreign');
    assert.equal(ownershipOf(undefined, 'abc'), 'foreign');
  });

  it("puts labels on what it creates that Google's label rule accepts", async () => {
    const ws = await makeWorkspace({ 'a.txt': 'a' }, 'Some Folder_With.Caps');
    try {
      for (const source of [{ workspaceRoot: ws.root }, { workspaceRoot: ws.root, gitHub: { repository: 'Acme-Corp/My.Repo_Name' } }]) {
        const labels = devgemLabels((await originOf(source)).label);
        assert.equal(labelProblem(labels), undefined, JSON.stringify(labels));
        assert.equal(labels['managed-by'], 'devgem');
        assert.match(labels['devgem-origin'], /^[0-9a-f]{16}$/);
      }
    } finally {
      await ws.cleanup();
    }
  });

  it('shows what is there now: image, labels, who may call it, the last deploy, and what a take-over does', () => {
    const lines = Object.fromEntries(takeOverDetails(FOREIGN).map((d) => [d.label, d.value]));
    assert.deepEqual(lines, {
      'Why asking': 'Devgem did not create it (it has no managed-by: devgem label)',
      'Image now': 'europe-docker.pkg.dev/payments/app/api:v7',
      'Labels now': 'team: payments',
      'Access now': 'private: only IAM-authorized callers (run.invoker: group:payments@example.com)',
      'Last deploy': '2026-01-02T03:04:05.000Z by payments-team@example.com',
      'Take over':
        'replaces its image with this build from github.com/acme/api; keeps its labels and adds managed-by: devgem, devgem-origin: 0123456789abcdef; and makes it public',
    });
    const refused = takeOverRefused(FOREIGN);
    assert.equal(refused.kind, 'failed-precondition');
    assert.match(refused.message, /^Cloud Run service api \(p, europe-west1\) already exists, and Devgem did not create it .* Devgem did not touch it\./);
    assert.match(refused.fix ?? '', /--take-over/);
  });

  it('no one there, or only --yes: never a take-over; --take-over: yes, saying what it takes over', async () => {
    assert.equal(await unattendedUi.confirmTakeOver(FOREIGN, signal), false);
    let refused = 0;
    const yesOnly = cliDeployUi({ yes: true, workspaceRoot: '/w', stderr: () => undefined, onTakeOverRefused: () => refused++ });
    assert.equal(await yesOnly.confirmTakeOver(FOREIGN, signal), false);
    assert.equal(refused, 1);
    let err = '';
    const takeOver = cliDeployUi({ yes: false, takeOver: true, workspaceRoot: '/w', stderr: (s) => (err += s) });
    assert.equal(await takeOver.confirmTakeOver(FOREIGN, signal), true);
    assert.match(err, /taking over api \(--take-over\): Why asking: Devgem did not create it .*Labels now: team: payments/);
  });

  it('devgem deploy --take-over is a flag of its own, in the usage', () => {
    const req = (argv: string[]) => deployRequestFrom(parseArgs(['deploy', ...argv]), '/w', {});
    assert.equal(req(['--yes']).takeOver, false);
    assert.equal(req(['--take-over']).takeOver, true);
    assert.match(USAGE, /--take-over/);
    assert.match(USAGE, /3 the service exists and Devgem/);
  });
});

describe('origin: where a deploy comes from', () => {
  it('reads one identity from SSH and HTTPS remotes of the same repository, without credentials', () => {
    for (const url of [
      'git@github.com:Acme/Api.git',
      'https://github.com/acme/api',
      'https://user:ghp_secret@github.com/acme/api.git/',
      'ssh://git@github.com:22/acme/api.git',
      'git+ssh://git@github.com/acme/api',
    ]) {
      assert.equal(normalizeRemote(url), 'github.com/acme/api', url);
    }
    assert.equal(normalizeRemote('https://gitlab.example.com/group/sub/repo.git'), 'gitlab.example.com/group/sub/repo');
    assert.equal(normalizeRemote('/srv/git/repo.git'), undefined);
    assert.equal(normalizeRemote('file:///srv/git/repo.git'), undefined);
    assert.equal(normalizeRemote('C:\\repos\\app'), undefined);
  });

  it("takes origin's URL from the git config, else the first remote's", () => {
    const config = (remotes: string) => `[core]\n\trepositoryformatversion = 0\n${remotes}[branch "main"]\n\tremote = origin\n`;
    assert.equal(
      remoteUrl(
        config(
          '[remote "upstream"]\n\turl = https://github.com/up/api\n[remote "origin"]\n\turl = git@github.com:me/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
        ),
      ),
      'git@github.com:me/api.git',
    );
    assert.equal(remoteUrl(config('[remote "upstream"]\n\turl = https://github.com/up/api\n')), 'https://github.com/up/api');
    assert.equal(remoteUrl(config('')), undefined);
  });

  it('two clones of one repository, and a GitHub deploy of it, are one origin; another folder is not', async () => {
    const a = await makeWorkspace({ 'app/server.js': '' }, 'clone-a');
    const b = await makeWorkspace({ 'server.js': '' }, 'clone-b');
    const plain = await makeWorkspace({ 'server.js': '' }, 'clone-a');
    try {
      const git = async (root: string, url: string) => {
        await fs.mkdir(path.join(root, '.git'), { recursive: true });
        await fs.writeFile(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
        await fs.writeFile(path.join(root, '.git', 'config'), `[remote "origin"]\n\turl = ${url}\n`);
      };
      await git(a.root, 'git@github.com:acme/api.git');
      await git(b.root, 'https://github.com/Acme/api.git');
      const fromA = await originOf({ workspaceRoot: path.join(a.root, 'app') });
      assert.equal(fromA.describe, 'github.com/acme/api');
      assert.equal((await originOf({ workspaceRoot: b.root })).label, fromA.label);
      assert.equal((await originOf({ workspaceRoot: '/gone', gitHub: { repository: 'acme/api' } })).label, fromA.label);
      const other = await originOf({ workspaceRoot: plain.root });
      assert.notEqual(other.label, fromA.label);
      assert.match(other.describe, /^the folder \/.*clone-a$/);
      assert.equal((await originOf({ workspaceRoot: plain.root })).label, other.label, 'stable');
    } finally {
      await Promise.all([a.cleanup(), b.cleanup(), plain.cleanup()]);
    }
  });
});
