import * as assert from 'node:assert/strict';
import { DevgemError } from '../../src/core/base/errors';
import { localDay, UsageGuard, type UsageCounts, type UsageLimits, type UsageStore } from '../../src/core/base/usage';

class MemoryStore implements UsageStore {
  saves = 0;
  constructor(public value: unknown = undefined) {}
  load(): UsageCounts | undefined {
    return this.value as UsageCounts | undefined;
  }
  save(c: UsageCounts): void {
    this.saves++;
    this.value = structuredClone(c);
  }
}

// Local-time instants, so the tests hold in any time zone.
const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime();

function setup(limits: UsageLimits = { deploysPerDay: 0, modelCallsPerDay: 0 }, stored?: unknown) {
  const store = new MemoryStore(stored);
  let clock = at(2024, 5, 3);
  const guard = new UsageGuard(
    store,
    () => limits,
    () => clock,
  );
  return { store, guard, limits, setClock: (ms: number) => (clock = ms) };
}

function exhausted(fn: () => void): DevgemError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DevgemError, `expected a DevgemError, got ${String(err)}`);
    assert.equal(err.kind, 'resource-exhausted');
    return err;
  }
  assert.fail('expected check() to throw');
}

describe('UsageGuard', () => {
  it('starts empty today with no stored history', () => {
    const { guard } = setup();
    assert.deepEqual(guard.current(), { day: '2024-05-03', deploys: 0, modelCalls: 0, totalDeploys: 0, totalModelCalls: 0, since: '2024-05-03' });
  });

  it('counts deploys and model calls separately and saves each record', () => {
    const { guard, store } = setup();
    guard.record('deploy');
    guard.record('model');
    guard.record('model');
    assert.deepEqual(guard.current(), { day: '2024-05-03', deploys: 1, modelCalls: 2, totalDeploys: 1, totalModelCalls: 2, since: '2024-05-03' });
    assert.equal(store.saves, 3);
    assert.deepEqual(store.value, guard.current());
  });

  it('continues from what the store holds', () => {
    const stored: UsageCounts = { day: '2024-05-03', deploys: 2, modelCalls: 5, totalDeploys: 9, totalModelCalls: 40, since: '2024-04-01' };
    const { guard } = setup(undefined, stored);
    guard.record('deploy');
    assert.deepEqual(guard.current(), { ...stored, deploys: 3, totalDeploys: 10 });
  });

  it('zeroes the daily counts at local midnight but keeps the totals and the first date', () => {
    const { guard, setClock } = setup();
    setClock(at(2024, 5, 3, 23, 59));
    guard.record('deploy');
    guard.record('model');
    setClock(at(2024, 5, 4, 0, 1));
    assert.deepEqual(guard.current(), { day: '2024-05-04', deploys: 0, modelCalls: 0, totalDeploys: 1, totalModelCalls: 1, since: '2024-05-03' });
    guard.record('deploy');
    assert.deepEqual(guard.current(), { day: '2024-05-04', deploys: 1, modelCalls: 0, totalDeploys: 2, totalModelCalls: 1, since: '2024-05-03' });
  });

  it('rolls a stored day over when loaded on a later day', () => {
    const stored: UsageCounts = { day: '2024-05-01', deploys: 20, modelCalls: 7, totalDeploys: 30, totalModelCalls: 70, since: '2024-04-01' };
    const { guard } = setup({ deploysPerDay: 20, modelCallsPerDay: 0 }, stored);
    assert.deepEqual(guard.current(), { ...stored, day: '2024-05-03', deploys: 0, modelCalls: 0 });
    assert.doesNotThrow(() => guard.check('deploy'));
  });

  it('enforces the deploy limit with a message and a fix naming the setting and the reset', () => {
    const { guard } = setup({ deploysPerDay: 2, modelCallsPerDay: 0 });
    guard.check('deploy');
    guard.record('deploy');
    guard.check('deploy');
    guard.record('deploy');
    const err = exhausted(() => guard.check('deploy'));
    assert.equal(err.message, "You reached today's limit of 2 deploys for this workspace.");
    assert.match(err.fix ?? '', /`devgem\.limits\.deploysPerDay`/);
    assert.match(err.fix ?? '', /midnight/);
    // Model calls have their own (unlimited) budget.
    assert.doesNotThrow(() => guard.check('model'));
  });

  it('enforces the model-call limit with its own setting', () => {
    const { guard } = setup({ deploysPerDay: 0, modelCallsPerDay: 1 });
    guard.record('model');
    const err = exhausted(() => guard.check('model'));
    assert.equal(err.message, "You reached today's limit of 1 model call for this workspace.");
    assert.match(err.fix ?? '', /`devgem\.limits\.modelCallsPerDay`/);
    assert.doesNotThrow(() => guard.check('deploy'));
  });

  it('allows again after midnight', () => {
    const { guard, setClock } = setup({ deploysPerDay: 1, modelCallsPerDay: 0 });
    guard.record('deploy');
    exhausted(() => guard.check('deploy'));
    setClock(at(2024, 5, 4, 0, 0));
    assert.doesNotThrow(() => guard.check('deploy'));
  });

  it('treats 0, negative and non-numeric limits as unlimited', () => {
    for (const bad of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      const { guard } = setup({ deploysPerDay: bad, modelCallsPerDay: bad });
      for (let i = 0; i < 50; i++) guard.record('deploy');
      assert.doesNotThrow(() => guard.check('deploy'), String(bad));
      assert.doesNotThrow(() => guard.check('model'), String(bad));
    }
  });

  it('reads limits on every check, so a settings change applies at once', () => {
    const limits = { deploysPerDay: 1, modelCallsPerDay: 0 };
    const { guard } = setup(limits);
    guard.record('deploy');
    exhausted(() => guard.check('deploy'));
    limits.deploysPerDay = 5;
    assert.doesNotThrow(() => guard.check('deploy'));
  });

  const corrupt: [string, unknown][] = [
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['a negative count', { day: '2024-05-03', deploys: -1, modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: '2024-05-01' }],
    ['a fractional count', { day: '2024-05-03', deploys: 1.5, modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: '2024-05-01' }],
    ['a string count', { day: '2024-05-03', deploys: '2', modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: '2024-05-01' }],
    ['a missing total', { day: '2024-05-03', deploys: 1, modelCalls: 0, totalModelCalls: 0, since: '2024-05-01' }],
    ['a bad day', { day: 'yesterday', deploys: 1, modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: '2024-05-01' }],
    ['a bad since', { day: '2024-05-03', deploys: 1, modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: 5 }],
    ['more today than in total', { day: '2024-05-03', deploys: 4, modelCalls: 0, totalDeploys: 3, totalModelCalls: 0, since: '2024-05-01' }],
  ];
  for (const [what, value] of corrupt) {
    it(`treats stored data with ${what} as empty`, () => {
      const { guard } = setup({ deploysPerDay: 1, modelCallsPerDay: 1 }, value);
      assert.deepEqual(guard.current(), { day: '2024-05-03', deploys: 0, modelCalls: 0, totalDeploys: 0, totalModelCalls: 0, since: '2024-05-03' });
      assert.doesNotThrow(() => guard.check('deploy'));
      guard.record('deploy');
      assert.equal(guard.current().totalDeploys, 1);
    });
  }

  it('survives a store whose load throws', () => {
    const store: UsageStore = {
      load: () => {
        throw new Error('disk gone');
      },
      save: () => undefined,
    };
    const guard = new UsageGuard(
      store,
      () => ({ deploysPerDay: 0, modelCallsPerDay: 0 }),
      () => at(2024, 5, 3),
    );
    assert.equal(guard.current().deploys, 0);
  });

  it('keeps counting in memory when saving fails, synchronously or not', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const save of [
        () => Promise.reject(new Error('quota')),
        (): void => {
          throw new Error('readonly');
        },
      ]) {
        const guard = new UsageGuard(
          { load: () => undefined, save },
          () => ({ deploysPerDay: 2, modelCallsPerDay: 0 }),
          () => at(2024, 5, 3),
        );
        guard.record('deploy');
        guard.record('deploy');
        assert.equal(guard.current().deploys, 2);
        exhausted(() => guard.check('deploy'));
      }
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports today against the limits and the totals since the first record', () => {
    const stored: UsageCounts = { day: '2024-05-03', deploys: 3, modelCalls: 12, totalDeploys: 57, totalModelCalls: 480, since: '2024-04-01' };
    const { guard } = setup({ deploysPerDay: 20, modelCallsPerDay: 0 }, stored);
    const text = guard.report();
    assert.match(text, /3 of 20 deploys today/);
    assert.match(text, /12 model calls today \(no daily limit\)/);
    assert.match(text, /57 deploys and 480 model calls since 2024-04-01/);
    assert.match(text, /devgem\.limits\.deploysPerDay/);
    assert.match(text, /midnight/);
  });

  it('reports singulars and a fresh workspace correctly', () => {
    const { guard } = setup({ deploysPerDay: 0, modelCallsPerDay: 200 });
    guard.record('deploy');
    guard.record('model');
    const text = guard.report();
    assert.match(text, /1 deploy today \(no daily limit\)/);
    assert.match(text, /1 of 200 model calls today/);
    assert.match(text, /1 deploy and 1 model call since 2024-05-03/);
  });
});

describe('UsageGuard tokens', () => {
  it('adds up the tokens each model call reports, per day and in total', () => {
    const { guard, store, setClock } = setup();
    guard.recordTokens({ promptTokens: 1000, outputTokens: 200, totalTokens: 1250 });
    guard.recordTokens({ promptTokens: 500, outputTokens: 50 });
    assert.deepEqual(guard.current().tokens, { prompt: 1500, output: 250, total: 1800 });
    assert.equal(guard.current().totalTokens, 1800);
    assert.deepEqual((store.value as UsageCounts).tokens, { prompt: 1500, output: 250, total: 1800 });
    setClock(at(2024, 5, 4, 9));
    assert.equal(guard.current().tokens, undefined, "yesterday's tokens do not count today");
    assert.equal(guard.current().totalTokens, 1800);
  });

  it('ignores a report with no usable numbers', () => {
    const { guard, store } = setup();
    guard.recordTokens({});
    guard.recordTokens({ promptTokens: -5, totalTokens: Number.NaN });
    assert.equal(guard.current().tokens, undefined);
    assert.equal(store.saves, 0);
  });

  it('enforces devgem.limits.tokensPerDay before a model call, and not before a deploy', () => {
    const { guard } = setup({ deploysPerDay: 0, modelCallsPerDay: 0, tokensPerDay: 2000 });
    guard.recordTokens({ promptTokens: 1500, outputTokens: 400, totalTokens: 1900 });
    assert.doesNotThrow(() => guard.check('model'));
    guard.recordTokens({ totalTokens: 150 });
    const err = exhausted(() => guard.check('model'));
    assert.equal(err.message, "You reached today's limit of 2,000 model tokens for this workspace (2,050 used).");
    assert.match(err.fix ?? '', /`devgem\.limits\.tokensPerDay`.*0 means no limit/);
    assert.doesNotThrow(() => guard.check('deploy'));
  });

  it('shows tokens in the report, with and without a limit', () => {
    const limits: UsageLimits = { deploysPerDay: 0, modelCallsPerDay: 0 };
    const { guard } = setup(limits);
    guard.recordTokens({ promptTokens: 12_000, outputTokens: 345, totalTokens: 12_345 });
    assert.match(guard.report(), /• 12,345 model tokens today \(12,000 prompt, 345 reply; no daily limit\)/);
    assert.match(guard.report(), /since 2024-05-03 \(12,345 model tokens\)/);
    assert.match(guard.report(), /devgem\.limits\.tokensPerDay/);
    limits.tokensPerDay = 1_000_000;
    assert.match(guard.report(), /• 12,345 of 1,000,000 model tokens today \(12,000 prompt, 345 reply\)/);
  });

  it('keeps counts saved before tokens existed, and drops only broken token counts', () => {
    const old: UsageCounts = { day: '2024-05-03', deploys: 1, modelCalls: 2, totalDeploys: 3, totalModelCalls: 4, since: '2024-04-01' };
    assert.deepEqual(setup(undefined, old).guard.current(), old);
    const broken = { ...old, tokens: { prompt: 'many', output: 1, total: 1 }, totalTokens: 5 };
    assert.deepEqual(setup(undefined, broken).guard.current(), { ...old, totalTokens: 5 });
    const more = { ...old, tokens: { prompt: 1, output: 1, total: 9 }, totalTokens: 5 };
    assert.deepEqual(setup(undefined, more).guard.current(), { ...old, totalTokens: 5 }, 'more today than in total');
  });
});

describe('localDay', () => {
  it('uses the local calendar day, zero-padded', () => {
    assert.equal(localDay(at(2024, 1, 9, 0, 0)), '2024-01-09');
    assert.equal(localDay(at(2024, 12, 31, 23, 59)), '2024-12-31');
  });
});
