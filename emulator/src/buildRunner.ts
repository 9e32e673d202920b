import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { x as untar } from 'tar';
import type { ArtifactRegistryState } from './artifactRegistry';
import { buildLines, fetchLines, missingSourceLines, type LogPlan } from './buildLog';
import { buildpacksLines, isBuildpacksStep } from './buildpacksStep';
import { TERMINAL, statusOf, type BuildExecutor, type BuildRecord } from './cloudBuild';
import type { Context } from './context';
import { startRealBuild } from './docker/realBuild';
import { nowIso } from './http';
import type { StorageState } from './storage';

/** Tracks temp dirs so close()/reset() can delete them. */
export class TempDirs {
  private readonly dirs = new Set<string>();

  async make(prefix: string): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.add(d);
    return d;
  }

  async removeAll(): Promise<void> {
    const all = [...this.dirs];
    this.dirs.clear();
    await Promise.all(all.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function extractTarball(data: Buffer, dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const u = untar({ cwd: dir, strict: false });
    u.on('error', reject);
    u.on('close', () => resolve());
    u.end(data);
  });
}

function parseSeconds(d: unknown, fallback: number): number {
  const m = typeof d === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d) : null;
  return m ? Number(m[1]) : fallback;
}

/** Simulates a Cloud Build run over `knobs.buildSeconds` with real timers. */
export class BuildRunner implements BuildExecutor {
  constructor(
    private readonly ctx: Context,
    private readonly storage: StorageState,
    private readonly ar: ArtifactRegistryState,
    private readonly temp: TempDirs,
  ) {}

  private logTarget(rec: BuildRecord): { bucket: string; object: string } {
    const bucket = String(rec.build.logsBucket)
      .replace(/^gs:\/\//, '')
      .split('/')[0];
    return { bucket, object: `log-${rec.id}.txt` };
  }

  /** Lines the real builder streams, written to the log object at most every 250 ms instead of once a line. */
  private pendingLines = new Map<BuildRecord, string[]>();

  private appendSoon(rec: BuildRecord, lines: string[]): void {
    const pending = this.pendingLines.get(rec);
    if (pending) {
      pending.push(...lines);
      return;
    }
    this.pendingLines.set(rec, [...lines]);
    setTimeout(() => this.flush(rec), 250).unref();
  }

  private flush(rec: BuildRecord): void {
    const lines = this.pendingLines.get(rec);
    this.pendingLines.delete(rec);
    if (lines?.length) this.appendLog(rec, lines);
  }

  private appendLog(rec: BuildRecord, lines: string[]): void {
    if (rec.discarded) return;
    rec.logLines.push(...lines);
    const { bucket, object } = this.logTarget(rec);
    this.storage.ensureBucket(bucket, rec.project);
    this.storage.putObject(bucket, object, Buffer.from(rec.logLines.map((l) => l + '\n').join('')), 'text/plain; charset=utf-8');
  }

  private later(rec: BuildRecord, ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        rec.timers = rec.timers.filter((x) => x !== t);
        if (!TERMINAL.has(statusOf(rec))) fn();
      },
      Math.max(0, ms),
    );
    rec.timers.push(t);
  }

  start(rec: BuildRecord): void {
    if (this.ctx.docker && this.ctx.knobs.buildOutcome === 'success') return this.startReal(rec);
    const totalMs = this.ctx.knobs.buildSeconds * 1000;
    const queueMs = Math.min(totalMs * 0.1, 1000);
    const timeoutMs = parseSeconds(rec.build.timeout, 600) * 1000;
    if (timeoutMs < totalMs) this.later(rec, timeoutMs, () => this.finish(rec, 'TIMEOUT', `Build timeout after ${rec.build.timeout as string}`));
    this.later(rec, queueMs, () => {
      rec.build.status = 'WORKING';
      rec.build.startTime = nowIso();
      this.appendLog(rec, [`starting build "${rec.id}"`, '']);
      const started = Date.now();
      this.plan(rec)
        .then((plan) => this.play(rec, plan, Math.max(0, totalMs - queueMs - (Date.now() - started))))
        .catch((e: unknown) => {
          this.appendLog(rec, [`ERROR: ${e instanceof Error ? e.message : String(e)}`]);
          this.finish(rec, 'INTERNAL_ERROR', 'internal error');
        });
    });
  }

  /**
   * The docker step runs for real (docker/realBuild.ts); the build ends when it does, within the
   * build's timeout, but not before `buildSeconds` (so a test can still cancel a build that is quick here).
   */
  private startReal(rec: BuildRecord): void {
    const docker = this.ctx.docker!;
    const timeout = rec.build.timeout as string;
    const earliest = Date.now() + this.ctx.knobs.buildSeconds * 1000;
    this.later(rec, Math.min(500, this.ctx.knobs.buildSeconds * 100), () => {
      rec.build.status = 'WORKING';
      rec.build.startTime = nowIso();
      this.appendLog(rec, [`starting build "${rec.id}"`, '']);
      this.unpack(rec).then(
        (got) => {
          if (TERMINAL.has(statusOf(rec))) return;
          if ('lines' in got) {
            this.appendLog(rec, got.lines);
            rec.build.failureInfo = { type: 'FETCH_SOURCE_FAILED', detail: got.failureDetail ?? 'failed to fetch source' };
            return this.finish(rec, 'FAILURE', got.failureDetail);
          }
          if (got.prefix.length) this.appendLog(rec, got.prefix);
          const stop = startRealBuild(
            {
              docker,
              append: (lines) => this.appendSoon(rec, lines),
              finish: (status, detail) => {
                this.flush(rec);
                if (TERMINAL.has(statusOf(rec))) return;
                const end = (): void => {
                  if (status === 'FAILURE') rec.build.failureInfo = { type: 'USER_BUILD_STEP', detail: detail ?? 'Build step failure' };
                  this.finish(rec, status, detail);
                };
                if (Date.now() < earliest) this.later(rec, earliest - Date.now(), end);
                else end();
              },
              pushed: (images, digest, dir) => {
                const results = images.map((name) => ({ name, digest, pushTiming: { startTime: nowIso(), endTime: nowIso() } }));
                rec.build.results = { images: results, buildStepImages: [digest], buildStepOutputs: [''] };
                for (const r of results)
                  this.ar.recordImage({ name: r.name, digest, sourceDir: dir, buildId: rec.id, createTime: nowIso(), dockerImage: digest });
              },
            },
            rec,
            got.dir,
          );
          rec.stop = () => stop('cancelled');
          this.later(rec, parseSeconds(timeout, 600) * 1000, () => {
            stop('timedOut');
            this.flush(rec);
            this.finish(rec, 'TIMEOUT', `Build timeout after ${timeout}`);
          });
        },
        (e: unknown) => {
          this.appendLog(rec, [`ERROR: ${e instanceof Error ? e.message : String(e)}`]);
          this.finish(rec, 'INTERNAL_ERROR', 'internal error');
        },
      );
    });
  }

  cancel(rec: BuildRecord): void {
    rec.stop?.();
    this.flush(rec);
    for (const t of rec.timers) clearTimeout(t);
    rec.timers = [];
    this.appendLog(rec, ['', 'BUILD CANCELLED']);
    this.finish(rec, 'CANCELLED', 'Build was cancelled');
  }

  private digestFor(rec: BuildRecord, image: string): string {
    // One build makes one image: all its tags share the digest, as with docker push.
    const what = image === 'step' ? 'step' : 'image';
    return 'sha256:' + createHash('sha256').update(`${rec.id}\n${what}`).digest('hex');
  }

  /** FETCHSOURCE: the source object unpacked into a temp dir, with the lines Cloud Build prints; or the failure. */
  private async unpack(rec: BuildRecord): Promise<{ dir: string; prefix: string[] } | LogPlan> {
    const src = (rec.build.source as { storageSource?: { bucket: string; object: string } } | undefined)?.storageSource;
    const dir = await this.temp.make('devgem-emu-build-');
    const prefix: string[] = [];
    if (!src) return { dir, prefix };
    const obj = this.storage.findObject(src.bucket, src.object);
    if (!obj) return missingSourceLines(src.bucket, src.object);
    prefix.push(...fetchLines(src.bucket, src.object, obj.generation, obj.data.length));
    try {
      await extractTarball(obj.data, dir);
    } catch (e) {
      const detail = `failed to unpack gs://${src.bucket}/${src.object}: ${e instanceof Error ? e.message : String(e)}`;
      return { lines: [...prefix, `ERROR: ${detail}`], outcome: 'FAILURE', failureDetail: detail };
    }
    return { dir, prefix };
  }

  private async plan(rec: BuildRecord): Promise<LogPlan & { dir?: string }> {
    const steps = (rec.build.steps as { name?: string; entrypoint?: string; args?: string[] }[]) ?? [];
    const images = Array.isArray(rec.build.images) ? (rec.build.images as string[]) : [];
    const got = await this.unpack(rec);
    if ('lines' in got) return got;
    const { dir, prefix } = got;
    const forced = this.ctx.knobs.buildOutcome === 'failure' ? this.ctx.knobs.failureLog : undefined;
    const dockerStep = steps.filter((s) => String(s.name ?? '').includes('docker') && (s.args ?? [])[0] === 'build').pop();
    const packStep = dockerStep ? undefined : steps.find(isBuildpacksStep);
    const plan = dockerStep
      ? buildLines(dir, { name: String(dockerStep.name), args: dockerStep.args ?? [] }, images, forced, (img) => this.digestFor(rec, img))
      : {
          lines: [
            'BUILD',
            ...steps.flatMap((s, i) => (s === packStep ? buildpacksLines(s) : [`Already have image: ${String(s.name)}`]).map((l) => `Step #${i}: ${l}`)),
            'DONE',
          ],
          outcome: forced ? ('FAILURE' as const) : ('SUCCESS' as const),
        };
    // With `-f app/Dockerfile` (a monorepo built from its root) the app runs from that folder.
    const args = dockerStep?.args ?? [];
    const f = args.indexOf('-f');
    const appDir = f >= 0 && args[f + 1] ? join(dir, dirname(args[f + 1])) : dir;
    return { ...plan, lines: [...prefix, ...plan.lines], dir: appDir };
  }

  /** Appends the plan's lines in batches spread over `ms`, then finishes the build. */
  private play(rec: BuildRecord, plan: LogPlan & { dir?: string }, ms: number): void {
    const batches = Math.max(1, Math.min(plan.lines.length, 8));
    const per = Math.ceil(plan.lines.length / batches);
    const step = ms / batches;
    for (let b = 0; b < batches; b++) {
      const chunk = plan.lines.slice(b * per, (b + 1) * per);
      this.later(rec, step * b, () => this.appendLog(rec, chunk));
    }
    this.later(rec, ms, () => {
      if (plan.outcome === 'SUCCESS') {
        const images = Array.isArray(rec.build.images) ? (rec.build.images as string[]) : [];
        const results = images.map((name) => ({ name, digest: this.digestFor(rec, name), pushTiming: { startTime: nowIso(), endTime: nowIso() } }));
        rec.build.results = { images: results, buildStepImages: [this.digestFor(rec, 'step')], buildStepOutputs: [''] };
        for (const r of results) {
          this.ar.recordImage({ name: r.name, digest: r.digest, sourceDir: plan.dir ?? '', buildId: rec.id, createTime: nowIso() });
        }
        this.finish(rec, 'SUCCESS');
      } else {
        rec.build.failureInfo = { type: 'USER_BUILD_STEP', detail: plan.failureDetail ?? 'Build step failure' };
        this.finish(rec, 'FAILURE', plan.failureDetail);
      }
    });
  }

  private finish(rec: BuildRecord, status: string, detail?: string): void {
    for (const t of rec.timers) clearTimeout(t);
    rec.timers = [];
    rec.build.status = status;
    if (detail) rec.build.statusDetail = detail;
    rec.build.finishTime = nowIso();
    if (!rec.build.startTime) rec.build.startTime = rec.build.finishTime;
    const steps = rec.build.steps as Record<string, unknown>[];
    for (const s of steps) s.status = status === 'SUCCESS' ? 'SUCCESS' : status === 'FAILURE' ? 'FAILURE' : status;
    if (status === 'TIMEOUT') this.appendLog(rec, ['', 'TIMEOUT', `ERROR: context deadline exceeded`]);
    this.ctx.log(`[cloudbuild] build ${rec.id} ${status}${detail ? `: ${detail}` : ''}`);
  }
}
