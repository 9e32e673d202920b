// "Will it run on Cloud Run?" acted on before the build: no listening server stops the deploy
// (nothing uploaded or built) unless the user insists, and the env vars the code reads with no
// default are asked for and set on the service.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EnvNeed, Warning } from '../../src/core/analysis/types';
import type { DeployOptions } from '../../src/core/deploy/deployOptions';
import { unattendedUi, type DeployUiPort } from '../../src/core/deploy/deployUi';
import { runDeploy } from '../../src/core/deploy/pipeline';
import type { DeployEvent } from '../../src/shared/protocol';
import { parseArgs } from '../../src/cli/args';
import { deployRequestFrom } from '../../src/cli/deployArgs';
import { FakeClock, FakeCloud } from '../support/fakes';
import { makeWorkspace, testDeployOptions } from '../support/workspace';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

async function files(fixture: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(dir, e.name), path.posix.join(rel, e.name));
      else out[path.posix.join(rel, e.name)] = await fs.readFile(path.join(dir, e.name), 'utf8');
    }
  };
  await walk(path.join(FIXTURES, fixture), '');
  return out;
}

async function deploy(fixture: string, ui: Partial<DeployUiPort> = {}, overrides: Partial<DeployOptions> = {}) {
  const ws = await makeWorkspace(await files(fixture));
  const cloud = await new FakeCloud().ownedBy(ws.root);
  const events: DeployEvent[] = [];
  try {
    const result = await runDeploy(
      testDeployOptions(ws.root, { service: 'svc', ...overrides }),
      { ports: cloud.ports(), clock: new FakeClock(), buildPollMs: 10, ui: { ...unattendedUi, ...ui }, emit: (e) => void events.push(e) },
      new AbortController().signal,
    );
    const analyze = events.filter((e) => e.type === 'stage' && e.stage === 'analyze').pop() as { detail?: string } | undefined;
    return { result, cloud, detail: analyze?.detail ?? '' };
  } finally {
    await ws.cleanup();
  }
}

const built = (cloud: FakeCloud) => cloud.calls.filter((c) => /^(storage\.upload|build\.)/.test(c));

describe('will it run on Cloud Run? before the build', function () {
  this.timeout(20_000);

  it('no listening server: the deploy stops at analyze with the reason, nothing uploaded or built', async () => {
    const { result, cloud } = await deploy('python-prints-exits');
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    if (result.outcome !== 'failed') return;
    assert.equal(result.stage, 'analyze');
    assert.match(result.problem.message, /^Stopped before the build: /);
    assert.match(result.problem.fix ?? '', /deploy anyway.*--force/i);
    assert.deepEqual(built(cloud), []);
  });

  it('the user declining "Deploy Anyway" stops too; choosing it goes on and says so', async () => {
    const seen: Warning[] = [];
    const declined = await deploy('python-prints-exits', { confirmNoServer: async (w) => (seen.push(w), false) });
    assert.equal(declined.result.outcome, 'failed');
    assert.equal(seen[0]?.kind, 'no-server');
    const insisted = await deploy('python-prints-exits', { confirmNoServer: async () => true });
    assert.equal(insisted.result.outcome, 'success', JSON.stringify(insisted.result));
    assert.match(insisted.detail, /deployed anyway: /);
    assert.ok(built(insisted.cloud).length > 0);
  });

  it('--force (deployAnyway) insists without asking, from the CLI and the chat', async () => {
    const { result } = await deploy('python-prints-exits', {}, { deployAnyway: true });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const cli = (argv: string[]) => deployRequestFrom(parseArgs(['deploy', ...argv]), '/tmp/x', {}).opts;
    assert.equal(cli(['--force']).deployAnyway, true);
    assert.equal(cli([]).deployAnyway, undefined);
  });

  it('asks for the env vars the code needs and sets the answers on the service; the tracker lists the findings', async () => {
    const asked: EnvNeed[][] = [];
    const { result, cloud, detail } = await deploy('python-django-readiness', {
      askEnvNeeds: async (needs) => {
        asked.push(needs);
        return { env: { PGDATABASE: 'shop' } };
      },
    });
    assert.equal(result.outcome, 'success', JSON.stringify(result));
    const names = asked[0]?.map((n) => n.name) ?? [];
    assert.ok(names.includes('PGDATABASE'), names.join(', '));
    assert.match(detail, /⚠ .*debug mode on/i);
    assert.match(detail, /⚠ reads env vars with no default: .*PGDATABASE/);
    assert.match(detail, /env set now: PGDATABASE/);
    const create = cloud.calls.find((c) => c.startsWith('run.createService')) ?? '';
    assert.ok(cloud.calls.length && create, cloud.calls.join('\n'));
    const svc = [...cloud.services.values()][0] as unknown as { env?: Record<string, string> | { name: string; value?: string }[] };
    const env = Array.isArray(svc.env) ? Object.fromEntries(svc.env.map((e) => [e.name, e.value])) : (svc.env ?? {});
    assert.equal(env.PGDATABASE, 'shop', JSON.stringify(svc));
  });

  it('does not ask for what the deploy already sets', async () => {
    const asked: EnvNeed[][] = [];
    await deploy('python-django-readiness', { askEnvNeeds: async (n) => (asked.push(n), { env: {} }) }, { runtime: { env: { PGDATABASE: 'x' } } });
    assert.ok(!asked[0]?.some((n) => n.name === 'PGDATABASE'));
  });
});
