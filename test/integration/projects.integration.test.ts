// The project picker's list through the real auth client and the REST adapter
// (Resource Manager v1) against the local emulator, which pages small so the
// adapter has to follow nextPageToken.
import * as assert from 'node:assert/strict';
import { createCloudPorts } from '../../src/adapters/gcp/cloudPorts';
import { DevgemError, isCancelled } from '../../src/core/base/errors';
import { projectPicks } from '../../src/core/setup/pickers';
import { PROJECTS_PAGE_MAX, SEEDED_PROJECTS } from '../../emulator/src/resourceManager';
import { closedLoopbackHost } from '../support/closedPort';
import { useEmulator } from '../support/useEmulator';

describe('project listing with the real auth client against the emulator', function () {
  this.timeout(60_000);
  const fx = useEmulator();

  it('lists the seeded projects with their names across several pages', async () => {
    // Sanity: the emulator really splits the list, so one page would miss some.
    const first = (await (await fetch(`${fx.emu.baseUrl}/v1/projects?pageSize=500`, { headers: { authorization: 'Bearer x' } })).json()) as {
      projects: unknown[];
      nextPageToken?: string;
    };
    assert.equal(first.projects.length, PROJECTS_PAGE_MAX);
    assert.ok(first.nextPageToken, 'the first page points at the next');
    assert.ok(SEEDED_PROJECTS.length > PROJECTS_PAGE_MAX);

    const projects = await fx.ports.preflight.listProjects(new AbortController().signal);
    for (const seeded of SEEDED_PROJECTS)
      assert.deepEqual(
        projects.find((p) => p.projectId === seeded.projectId),
        seeded,
      );
    assert.equal(new Set(projects.map((p) => p.projectId)).size, projects.length, 'no page read twice');
  });

  it('includes a project the emulator has seen in a request, ready for the picker', async () => {
    const ports = fx.ports;
    const s = new AbortController().signal;
    await ports.preflight.projectNumber('my-own-project', s);
    const projects = await ports.preflight.listProjects(s);
    assert.ok(
      projects.some((p) => p.projectId === 'my-own-project'),
      JSON.stringify(projects),
    );
    const picks = projectPicks(projects, 'my-own-project');
    assert.deepEqual([picks[0].projectId, picks[0].current, picks[0].unlisted], ['my-own-project', true, undefined]);
  });

  it('stops at once when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(fx.ports.preflight.listProjects(ac.signal), (err: unknown) => isCancelled(err));
  });

  it('turns an unreachable service into a DevgemError with a fix', async () => {
    const host = await closedLoopbackHost();
    await assert.rejects(createCloudPorts({ emulatorHost: host }).preflight.listProjects(new AbortController().signal), (err: unknown) => {
      assert.ok(err instanceof DevgemError, String(err));
      assert.match(err.message, /^Listing your projects failed/);
      assert.ok(err.fix, 'says what to do');
      return true;
    });
  });
});
