// Run Locally's opt-in secrets: SecretsAdapter.readValue through the real
// Secret Manager SDK client against the emulator reads the version asked for.
import * as assert from 'node:assert/strict';
import { useEmulator } from '../support/useEmulator';

const PROJECT = 'demo-project';

describe('Secret values for Run Locally (real SDK vs the emulator)', function () {
  this.timeout(60_000);
  const fx = useEmulator();

  it('reads the value of a numbered version and of latest', async () => {
    const s = fx.ports.secrets;
    const signal = AbortSignal.timeout(30_000);
    await s.ensureSecret(PROJECT, 'local-db-password', { 'managed-by': 'devgem' }, signal);
    const v1 = await s.addVersion(PROJECT, 'local-db-password', 'first-value', signal);
    await s.addVersion(PROJECT, 'local-db-password', 'second välue', signal);
    assert.equal(await s.readValue!(PROJECT, 'local-db-password', v1, signal), 'first-value');
    assert.equal(await s.readValue!(PROJECT, 'local-db-password', 'latest', signal), 'second välue');
  });

  it('a missing secret is a DevgemError naming it, without a value', async () => {
    await assert.rejects(fx.ports.secrets.readValue!(PROJECT, 'no-such-secret', 'latest', AbortSignal.timeout(30_000)), /no-such-secret/);
  });
});
