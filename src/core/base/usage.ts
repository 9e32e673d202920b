// Daily limits on deploys, model calls and model tokens, counted per workspace
// (the stored counts live in workspace state), so a runaway agent loop or a
// script cannot deploy or call the model without bound.
import { DevgemError } from './errors';

/** Per-day caps; 0 means unlimited. */
export interface UsageLimits {
  deploysPerDay: number;
  modelCallsPerDay: number;
  /** Model tokens (prompt and reply, as the model reports them). */
  tokensPerDay?: number;
}

/** Model tokens of one day, as the model reported them. */
export interface TokenCounts {
  prompt: number;
  output: number;
  /** Prompt, reply and the model's thinking. */
  total: number;
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
  /** Today's model tokens; absent until the model first reports any. */
  tokens?: TokenCounts;
  /** Model tokens since the first report. */
  totalTokens?: number;
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

  /** Throws DevgemError 'resource-exhausted' when today's limit for `kind` is reached (for 'model', the token limit too). */
  check(kind: UsageKind): void {
    const w = WORDS[kind];
    const limit = this.limitFor(kind);
    if (limit > 0 && this.current()[w.today] >= limit) {
      throw new DevgemError('resource-exhausted', `You reached today's limit of ${count(limit, w.one, w.many)} for this workspace.`, {
        fix: `The count resets at midnight (local time). To allow more today, raise \`${w.setting}\` in Settings (0 means no limit).`,
      });
    }
    const tokenLimit = kind === 'model' ? positive(this.limits().tokensPerDay) : 0;
    const used = this.current().tokens?.total ?? 0;
    if (tokenLimit > 0 && used >= tokenLimit) {
      throw new DevgemError(
        'resource-exhausted',
        `You reached today's limit of ${number(tokenLimit)} model tokens for this workspace (${number(used)} used).`,
        {
          fix: `The count resets at midnight (local time). To allow more today, raise \`${TOKENS_SETTING}\` in Settings (0 means no limit); a new chat (Devgem: New Chat) also makes each message cheaper.`,
        },
      );
    }
  }

  /** Adds what one model call used, as the model reported it; nonsense reports are ignored. */
  recordTokens(usage: { promptTokens?: number; outputTokens?: number; totalTokens?: number }): void {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
    const prompt = n(usage.promptTokens);
    const output = n(usage.outputTokens);
    const total = Math.max(n(usage.totalTokens), prompt + output);
    if (total === 0) return;
    const c = this.current();
    const today = c.tokens ?? { prompt: 0, output: 0, total: 0 };
    this.save({
      ...c,
      tokens: { prompt: today.prompt + prompt, output: today.output + output, total: today.total + total },
      totalTokens: (c.totalTokens ?? 0) + total,
    });
  }

  record(kind: UsageKind): void {
    const c = this.current();
    this.save(
      kind === 'deploy'
        ? { ...c, deploys: c.deploys + 1, totalDeploys: c.totalDeploys + 1 }
        : { ...c, modelCalls: c.modelCalls + 1, totalModelCalls: c.totalModelCalls + 1 },
    );
  }

  private save(next: UsageCounts): void {
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
    if (c.day === today) return { ...c };
    const { tokens: _yesterday, ...rest } = c;
    return { ...rest, day: today, deploys: 0, modelCalls: 0 };
  }

  report(): string {
    const c = this.current();
    const line = (kind: UsageKind) => {
      const w = WORDS[kind];
      const limit = this.limitFor(kind);
      return limit > 0 ? `• ${c[w.today]} of ${count(limit, w.one, w.many)} today` : `• ${count(c[w.today], w.one, w.many)} today (no daily limit)`;
    };
    const t = c.tokens ?? { prompt: 0, output: 0, total: 0 };
    const tokenLimit = positive(this.limits().tokensPerDay);
    const split = `${number(t.prompt)} prompt, ${number(t.output)} reply`;
    return [
      'Usage in this workspace:',
      line('deploy'),
      line('model'),
      tokenLimit > 0
        ? `• ${number(t.total)} of ${number(tokenLimit)} model tokens today (${split})`
        : `• ${number(t.total)} model tokens today (${split}; no daily limit)`,
      `• ${count(c.totalDeploys, 'deploy', 'deploys')} and ${count(c.totalModelCalls, 'model call', 'model calls')} since ${c.since} (${number(c.totalTokens ?? 0)} model tokens)`,
      `Daily counts reset at midnight (local time). Limits: ${WORDS.deploy.setting}, ${WORDS.model.setting} and ${TOKENS_SETTING} in Settings (0 means no limit).`,
    ].join('\n');
  }

  private limitFor(kind: UsageKind): number {
    return positive(this.limits()[WORDS[kind].limit]);
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
    const counts: UsageCounts = {
      day: c.day,
      deploys: c.deploys,
      modelCalls: c.modelCalls,
      totalDeploys: c.totalDeploys,
      totalModelCalls: c.totalModelCalls,
      since: c.since,
    };
    // Token counts came later: counts saved before them, or broken ones, only lose the tokens.
    const t = c.tokens as Record<string, unknown> | undefined;
    if (t && typeof t === 'object' && n(t.prompt) && n(t.output) && n(t.total) && n(c.totalTokens) && t.total <= c.totalTokens) {
      counts.tokens = { prompt: t.prompt, output: t.output, total: t.total };
      counts.totalTokens = c.totalTokens;
    } else if (n(c.totalTokens)) counts.totalTokens = c.totalTokens;
    return counts;
  }
}

const TOKENS_SETTING = 'devgem.limits.tokensPerDay';

/** A limit from settings: a nonsense value (negative, NaN) means "not set", i.e. no limit, as 0 does. */
function positive(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function number(n: number): string {
  return n.toLocaleString('en-US');
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
