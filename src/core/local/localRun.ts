// "Devgem: Run Locally": build the image a deploy would build, with the
// user's Docker or Podman, run it with PORT and the service's env vars on a
// loopback port, and wait until it answers HTTP. Every wait is bounded and
// every step takes the run's AbortSignal; `stop()` removes the container.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppAnalysis } from '../analysis/types';
import { CancelledError, DevgemError } from '../base/errors';
import { redactText } from '../base/redact';
import { bounded, realClock, type Clock } from '../base/wait';
import { stageContext, chooseLocalApp } from './buildContext';
import type { ContainerEnginePort, EngineInfo } from './containerEngine';

export const LOCAL_STEPS = ['engine', 'analyze', 'context', 'build', 'start', 'health'] as const;
export type LocalStep = (typeof LOCAL_STEPS)[number];

export interface LocalRunEvents {
  step(step: LocalStep, status: 'running' | 'done', detail?: string): void;
  /** A line of the build or of the container's output (already redacted). */
  log(line: string, source: 'build' | 'container'): void;
  /** The container stopped by itself after it was up. */
  exited?(): void;
}

export interface LocalRunRequest {
  workspaceRoot: string;
  appPath?: string;
  /** Names the image and the container (the deploy's service name). */
  name: string;
  /** Plain env vars (the deployed service's, or the settings'). PORT is set by the run. */
  env: Record<string, string>;
  /** Secret values, only when the user opted in; they reach the container through the engine client's environment only. */
  secrets?: () => Promise<Record<string, string>>;
}

export interface LocalRunDeps {
  engine: ContainerEnginePort;
  /** The HTTP status at `url`, or undefined when nothing answers (yet). */
  probe(url: string, signal: AbortSignal): Promise<number | undefined>;
  /** A free loopback TCP port. */
  freePort(): Promise<number>;
  chooseApp(apps: AppAnalysis[], signal: AbortSignal): Promise<AppAnalysis | undefined>;
  clock?: Clock;
  /** Bounds, in ms (tests shorten them). */
  limits?: Partial<typeof LIMITS>;
}

const LIMITS = { detectMs: 20_000, analyzeMs: 120_000, buildMs: 20 * 60_000, startMs: 60_000, healthMs: 90_000, stopMs: 30_000, probeEveryMs: 250 };

export interface LocalRunning {
  url: string;
  port: number;
  engine: EngineInfo;
  app: AppAnalysis;
  containerId: string;
  /** ms from the start of the run to the first HTTP answer. */
  firstAnswerMs: number;
}

/** One local run of a workspace: start() builds and runs, rebuild() replaces the container, stop() removes it. */
export class LocalRun {
  private container?: string;
  private logs?: AbortController;
  private staging?: string;
  private stopped = false;
  private readonly limits: typeof LIMITS;
  private readonly clock: Clock;

  constructor(
    private readonly req: LocalRunRequest,
    private readonly deps: LocalRunDeps,
    private readonly events: LocalRunEvents,
  ) {
    this.limits = { ...LIMITS, ...deps.limits };
    this.clock = deps.clock ?? realClock;
  }

  get running(): boolean {
    return this.container !== undefined;
  }

  /** Builds and starts; on any failure (or cancel) nothing is left running. */
  async start(signal: AbortSignal): Promise<LocalRunning> {
    const t0 = this.clock.now();
    const { engine } = this.deps;
    const { events, limits, req } = this;
    try {
      events.step('engine', 'running');
      const info = await bounded('Finding Docker or Podman', limits.detectMs, signal, (s) => engine.detect(s), ENGINE_FIX);
      events.step('engine', 'done', `${info.name} ${info.version}${info.hostNetworkOnly ? ' (host network)' : ''}`);

      events.step('analyze', 'running');
      const app = await bounded('Analysing the workspace', limits.analyzeMs, signal, (s) =>
        chooseLocalApp(req.workspaceRoot, req.appPath, this.deps.chooseApp, s),
      );
      events.step('analyze', 'done', `${app.path || '.'} (${app.stack})`);

      events.step('context', 'running');
      await this.removeStaging();
      this.staging = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-local-'));
      const ctx = await stageContext(req.workspaceRoot, app, this.staging, signal);
      events.step('context', 'done', `${ctx.fileCount} files · ${ctx.generated ? 'generated Dockerfile' : ctx.dockerfile}`);

      const tag = `devgem-local/${safeName(req.name)}:latest`;
      events.step('build', 'running');
      await bounded(
        'Building the image',
        limits.buildMs,
        signal,
        (s) =>
          engine.build(
            { contextDir: ctx.dir, dockerfile: ctx.dockerfile, tag, hostNetwork: info.hostNetworkOnly },
            (l) => events.log(redactText(l), 'build'),
            s,
          ),
        'Check the build log above; a slow first build pulls base images.',
      );
      events.step('build', 'done', tag);
      await this.removeStaging();

      events.step('start', 'running');
      await this.removeContainer();
      const port = await this.deps.freePort();
      const secrets = req.secrets ? await bounded('Reading secrets', limits.detectMs, signal, () => req.secrets!()) : {};
      const env = { ...req.env, ...secrets, PORT: String(port) };
      const name = `devgem-local-${safeName(req.name)}-${port}`;
      this.container = await bounded('Starting the container', limits.startMs, signal, (s) =>
        engine.run({ image: tag, name, port, env, hostNetwork: info.hostNetworkOnly }, s),
      );
      this.followLogs(this.container);
      events.step('start', 'done', `${name} on 127.0.0.1:${port}`);

      events.step('health', 'running');
      const url = `http://127.0.0.1:${port}/`;
      const status = await this.waitForAnswer(url, this.container, signal);
      events.step('health', 'done', `HTTP ${status}`);
      return { url, port, engine: info, app, containerId: this.container, firstAnswerMs: this.clock.now() - t0 };
    } catch (err) {
      await this.stop();
      this.stopped = false;
      throw err;
    }
  }

  /** Stops the running container (if any) and builds and starts again from the workspace as it is now. */
  rebuild(signal: AbortSignal): Promise<LocalRunning> {
    return this.start(signal);
  }

  /** Removes the container and the staged context; safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.removeContainer();
    await this.removeStaging();
  }

  private async waitForAnswer(url: string, id: string, signal: AbortSignal): Promise<number> {
    const deadline = this.clock.now() + this.limits.healthMs;
    for (let n = 0; ; n++) {
      if (signal.aborted) throw new CancelledError();
      const status = await bounded('Checking the local URL', 10_000, signal, (s) => this.deps.probe(url, s)).catch((e: unknown) => {
        if (e instanceof CancelledError) throw e;
        return undefined;
      });
      if (status !== undefined) return status;
      // Every few probes: a container that exited will never answer.
      if (n % 4 === 3 && !(await this.deps.engine.isRunning(id, signal))) {
        throw new DevgemError('failed-precondition', 'The container exited before it answered HTTP.', {
          fix: 'Read its output in the log above: the app must listen on $PORT (on 0.0.0.0) and keep running.',
        });
      }
      if (this.clock.now() >= deadline) {
        throw new DevgemError('timeout', `Nothing answered on ${url} within ${Math.round(this.limits.healthMs / 1000)} s.`, {
          fix: 'The app must listen on the port in $PORT, on 0.0.0.0. Read its output in the log above.',
        });
      }
      await this.clock.sleep(this.limits.probeEveryMs, signal);
    }
  }

  private followLogs(id: string): void {
    const logs = new AbortController();
    this.logs = logs;
    void this.deps.engine
      .followLogs(id, (l) => this.events.log(redactText(l), 'container'), logs.signal)
      .catch(() => undefined)
      .then(() => {
        if (!logs.signal.aborted && this.container === id && !this.stopped) this.events.exited?.();
      });
  }

  private async removeContainer(): Promise<void> {
    this.logs?.abort();
    this.logs = undefined;
    const id = this.container;
    this.container = undefined;
    if (id) await bounded('Stopping the container', this.limits.stopMs, undefined, (s) => this.deps.engine.remove(id, s)).catch(() => undefined);
  }

  private async removeStaging(): Promise<void> {
    const dir = this.staging;
    this.staging = undefined;
    if (dir) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

const ENGINE_FIX = 'Start Docker Desktop (or the Docker service, or Podman), check `docker version` in a terminal, then run it again.';

/** Image and container names: lowercase letters, digits, `-`. */
function safeName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'app'
  );
}
