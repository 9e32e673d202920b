// Daily limits on deploys and model calls, counted per workspace (the stored
// counts live in workspace state), so a runaway agent loop or a script cannot
// deploy or call the model without bound.
import { DevgemError } from './errors';

/** Per-day caps; 0 means unlimited. */
export interface UsageLimits {
  deploysPerDay: number;
  modelCallsPerDay: number;
}

export interface UsageCounts {
  /** YYYY-MM-DD in local time: the day `deploys` and `modelCalls` count. */
  day: string;
  deploys: number;
  modelCalls: number;
  totalDeploys: number;
  totalModelCalls: number;
  /** YYYY-MM-DD (local) of the first record. */
  since: string;
}

export interface UsageStore {
  load(): UsageCounts | undefined;
  save(c: UsageCounts): void | PromiseLike<void>;
}

type UsageKind = 'deploy' | 'model';

const WORDS: Record<UsageKind, { one: string; many: string; setting: string; limit: keyof UsageLimits; today: 'deploys' | 'modelCalls' }> = {
  deploy: { one: 'deploy', many: 'deploys', setting: 'devgem.limits.deploysPerDay', limit: 'deploysPerDay', today: 'deploys' },
  model: { one: 'model call', many: 'model calls', setting: 'devgem.limits.modelCallsPerDay', limit: 'modelCallsPerDay', today: 'modelCalls' },
};

export class UsageGuard {
  /** What this guard last saved; the store may persist asynchronously. */
  private latest?: UsageCounts;

  constructor(
    private readonly store: UsageStore,
    private readonly limits: () => UsageLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws DevgemError 'resource-exhausted' when today's limit for `kind` is reached. */
  check(kind: UsageKind): void {
    const w = WORDS[kind];
    const limit = this.limitFor(kind);
    if (limit > 0 && this.current()[w.today] >= limit) {
      throw new DevgemError('resource-exhausted', `You reached today's limit of ${count(limit, w.one, w.many)} for this workspace.`, {
        fix: `The count resets at midnight (local time). To allow more today, raise \`${w.setting}\` in Settings (0 means no limit).`,
      });
    }
  }

  record(kind: UsageKind): void {
    const c = this.current();
    const next: UsageCounts =
      kind === 'deploy'
        ? { ...c, deploys: c.deploys + 1, totalDeploys: c.totalDeploys + 1 }
        : { ...c, modelCalls: c.modelCalls + 1, totalModelCalls: c.totalModelCalls + 1 };
    this.latest = next;
    // Counting must never fail a deploy or a model call: if the store cannot
    // save, the in-memory count still enforces the limit for this session.
    try {
      const saved = this.store.save(next);
      if (saved) Promise.resolve(saved).catch(() => undefined);
    } catch {
      /* see above */
    }
  }

  /** Today's counts (zeroed after local midnight) and the running totals. */
  current(): UsageCounts {
    const today = localDay(this.now());
    const c = this.latest ?? this.loadValid();
    if (!c) return { day: today, deploys: 0, modelCalls: 0, totalDeploys: 0, totalModelCalls: 0, since: today };
    return c.day === today ? { ...c } : { ...c, day: today, deploys: 0, modelCalls: 0 };
  }

  report(): string {
    const c = this.current();
    const line = (kind: UsageKind) => {
      const w = WORDS[kind];
      const limit = this.limitFor(kind);
      return limit > 0 ? `• ${c[w.today]} of ${count(limit, w.one, w.many)} today` : `• ${count(c[w.today], w.one, w.many)} today (no daily limit)`;
    };
    return [
      'Usage in this workspace:',
      line('deploy'),
      line('model'),
      `• ${count(c.totalDeploys, 'deploy', 'deploys')} and ${count(c.totalModelCalls, 'model call', 'model calls')} since ${c.since}`,
      `Daily counts reset at midnight (local time). Limits: ${WORDS.deploy.setting} and ${WORDS.model.setting} in Settings (0 means no limit).`,
    ].join('\n');
  }

  private limitFor(kind: UsageKind): number {
    const n = this.limits()[WORDS[kind].limit];
    // A nonsense setting (negative, NaN) means "not set", i.e. no limit, as 0 does.
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  }

  /** The stored counts if they are well formed; anything else counts as no history. */
  private loadValid(): UsageCounts | undefined {
    let raw: unknown;
    try {
      raw = this.store.load();
    } catch {
      return undefined;
    }
    if (typeof raw !== 'object' || raw === null) return undefined;
    const c = raw as Record<string, unknown>;
    const day = /^\d{4}-\d{2}-\d{2}$/;
    const n = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (typeof c.day !== 'string' || !day.test(c.day) || typeof c.since !== 'string' || !day.test(c.since)) return undefined;
    if (!n(c.deploys) || !n(c.modelCalls) || !n(c.totalDeploys) || !n(c.totalModelCalls)) return undefined;
    if (c.deploys > c.totalDeploys || c.modelCalls > c.totalModelCalls) return undefined;
    return { day: c.day, deploys: c.deploys, modelCalls: c.modelCalls, totalDeploys: c.totalDeploys, totalModelCalls: c.totalModelCalls, since: c.since };
  }
}

/** YYYY-MM-DD of `ms` in local time: limits reset at the user's midnight, not UTC's. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
