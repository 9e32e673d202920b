import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ArtifactRegistryState, handleArtifactRegistry } from './artifactRegistry';
import { BuildRunner, TempDirs } from './buildRunner';
import { CloudBuildState, handleCloudBuild } from './cloudBuild';
import { CloudRunState, handleCloudRun } from './cloudRun';
import { handleRunLocations } from './runLocations';
import { enforceContracts, preloadContracts } from './contracts/contractGate';
import type { Context } from './context';
import { Faults, ruleFromJson, type FaultHit, type FaultRule, type SeenRequest } from './faults';
import { DomainMappingState, handleDomainMappings, type SeedDomainMapping } from './domainMappings';
import { dockerFrom } from './docker/dockerCli';
import { forgetImages, removeOrphanContainers } from './docker/cleanup';
import { GeminiState, isGeminiPath, type GeminiRequestRecord, type ScriptedReply } from './gemini';
import { GitHubState, isGitHubPath, type GitHubRateLimit, type SeedGitHubRepo } from './github';
import { ApiError, jsonBody, notFound, permissionDenied, readBody, sendError, sendJson, unauthenticated, type Req } from './http';
import { applyKnobs, defaultKnobs, type Knobs } from './knobs';
import { foreignRequest } from './localOnly';
import { LogStore, handleLogging, seedLogs, type SeedLogEntry } from './logging';
import { OperationStore } from './operations';
import { handleResourceManager } from './resourceManager';
import { handleSecretManager, secretsOf, type SeedSecret } from './secretManager';
import { assertServiceEnabled, handleServiceUsage } from './serviceUsage';
import { seedService, type SeedService } from './runSeed';
import { summarize } from './state';
import { StorageState, handleStorageJson } from './storage';
import { UploadHandler, type UploadRecord } from './storageUploads';

export type { Knobs } from './knobs';
export type { SeedLogEntry } from './logging';
export type { SeedDomainMapping } from './domainMappings';
export type { SeedService } from './runSeed';
export type { SeedSecret } from './secretManager';
export type { GeminiRequestRecord, ScriptedReply } from './gemini';
export type { Fault, FaultHit, FaultRule, SeenRequest } from './faults';
export type { UploadRecord } from './storageUploads';
export { GITHUB_TEST_TOKEN, type SeedGitHubRepo, type SeedGitHubFile } from './github';

export interface EmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  knobs?: Partial<Knobs>;
  log?: (line: string) => void;
  /**
   * A Docker daemon (`unix:///run/devgem-docker.sock`): Cloud Build then really builds the
   * uploaded source and Cloud Run runs the image (see emulator/README.md). The emulator's CLI
   * takes it from DEVGEM_EMULATOR_DOCKER; startEmulator never reads the environment itself.
   */
  docker?: string;
}

export interface Emulator {
  port: number;
  /** '127.0.0.1:PORT' */
  host: string;
  /** 'http://127.0.0.1:PORT' */
  baseUrl: string;
  /** The live knobs (mutating them takes effect at once). */
  knobs: Knobs;
  configure(k: Partial<Knobs>): void;
  /** Drops all state (stopping apps and fronts) and restores the knobs given at start. */
  reset(): void;
  /** Creates a bucket owned by `project` (e.g. to make a name "taken" by someone else). */
  seedBucket(name: string, project: string, location?: string): void;
  /** Adds Cloud Logging entries as if a Cloud Run service had written them. */
  seedLogs(entries: SeedLogEntry[]): void;
  /** Maps a custom domain to a Cloud Run service (listed by the v1 domain mappings API). */
  seedDomainMapping(mapping: SeedDomainMapping): void;
  /** Creates a Secret Manager secret with versions that the runtime account may read. */
  seedSecret(secret: SeedSecret): void;
  /** Creates a Cloud Run service someone else made (labels, image, access, creator), serving a placeholder; resolves with its URL. */
  seedService(service: SeedService): Promise<{ uri: string }>;
  /** The scripted Gemini endpoint (see emulator/README.md). */
  gemini: { script(replies: ScriptedReply[]): void; requests(): GeminiRequestRecord[] };
  /** The GitHub REST subset under /github (see emulator/README.md). */
  github: {
    seedRepo(repo: SeedGitHubRepo): void;
    acceptToken(token: string): void;
    rateLimit(limit: GitHubRateLimit | undefined): void;
    tarballRequests(): number;
  };
  /** Fault injection per endpoint and call number (see emulator/README.md); `reset` clears it. */
  faults: { add(rule: FaultRule): number; hits(): FaultHit[]; requests(): SeenRequest[]; clear(): void };
  /** Resumable uploads with the byte ranges each request delivered, in order. */
  uploads(): UploadRecord[];
  close(): Promise<void>;
}

/** All services and their state behind one HTTP server. */
class EmulatorCore {
  readonly ctx: Context;
  readonly storage = new StorageState();
  readonly uploads = new UploadHandler(this.storage);
  readonly ar = new ArtifactRegistryState();
  readonly builds = new CloudBuildState();
  readonly run = new CloudRunState();
  readonly domains = new DomainMappingState();
  readonly temp = new TempDirs();
  readonly gemini = new GeminiState();
  readonly github = new GitHubState();
  readonly runner: BuildRunner;

  constructor(
    knobs: Knobs,
    log: (line: string) => void,
    private readonly initialKnobs: Partial<Knobs>,
    docker?: string,
  ) {
    this.ctx = { knobs, log, ops: new OperationStore(), logs: new LogStore(), faults: new Faults(), docker: dockerFrom(docker) };
    this.runner = new BuildRunner(this.ctx, this.storage, this.ar, this.temp);
  }

  /** Clears all state synchronously; the returned promise settles once processes, fronts and temp dirs are gone. */
  resetState(): Promise<void> {
    this.builds.clear();
    this.gemini.clear();
    this.github.clear();
    this.storage.clear();
    this.uploads.clear();
    const built = [...this.ar.images.values()].filter((i) => i.dockerImage).map((i) => i.name);
    this.ar.clear();
    this.ctx.ops.clear();
    this.ctx.logs.clear();
    this.ctx.faults.clear();
    this.domains.clear();
    secretsOf(this.ctx).clear();
    Object.assign(this.ctx.knobs, defaultKnobs());
    applyKnobs(this.ctx.knobs, this.initialKnobs);
    const stopping = this.run.closeAll();
    const removing = this.temp.removeAll();
    const forgetting = this.ctx.docker ? forgetImages(this.ctx.docker, built) : undefined;
    return Promise.all([stopping, removing, forgetting]).then(() => undefined);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawPath = url.pathname;
    const segments = rawPath
      .split('/')
      .filter((s, i) => i > 0 || s !== '')
      .map((s) => decodeURIComponent(s));
    if (segments[0] === '') segments.shift();
    const r: Req = {
      method: (req.method ?? 'GET').toUpperCase(),
      segments,
      rawPath,
      query: url.searchParams,
      headers: req.headers,
      // Cloud Storage uploads arrive no faster than the `uploadBytesPerSecond` knob (a slow uplink).
      body: damage(await readBody(req, rawPath.startsWith('/upload/') ? this.ctx.knobs.uploadBytesPerSecond : 0), this.ctx.faults.corrupts(req)),
      baseUrl: `http://${req.headers.host ?? '127.0.0.1'}`,
    };
    const [s0, s1, s2] = segments;
    if (s0 === '__emulator') return this.control(r, res);
    // Gemini checks its own credentials (API key or bearer), whatever `requireAuth` says.
    if (isGeminiPath(segments)) return this.gemini.handle(r, res);
    // GitHub checks its own tokens too (GitHub's, not Google's).
    if (isGitHubPath(segments)) return this.github.handle(r, res);
    const isUploadSession = s0 === 'upload' && this.uploads.isSessionRequest(r);
    if (this.ctx.knobs.requireAuth && !isUploadSession && !/^Bearer \S+/i.test(String(req.headers.authorization ?? ''))) {
      throw unauthenticated(
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    // Google's published API contracts (emulator/src/contracts): unknown fields, missing required ones, unpublished URLs.
    if (this.ctx.knobs.contracts && !enforceContracts(r, res, this.ctx.log)) return;
    if (s0 === 'storage' && s1 === 'v1') return handleStorageJson(this.storage, r, res, segments.slice(2));
    if (s0 === 'upload' && s1 === 'storage' && s2 === 'v1') return this.uploads.handle(r, res, segments.slice(3));
    if (s0 === 'v1') return this.v1(r, res, segments.slice(1));
    if (s0 === 'apis') return handleDomainMappings(this.domains, r, res);
    if (s0 === 'v2' && s1 === 'entries:list') return handleLogging(this.ctx.logs, r, res);
    if (s0 === 'v2' && s1 === 'projects' && segments[3] === 'locations') assertServiceEnabled(this.ctx, s2, 'run.googleapis.com');
    if (s0 === 'v2' && s1 === 'projects' && segments[3] === 'locations') return handleCloudRun(this.ctx, this.run, this.ar, r, res, segments.slice(1));
    throw notFound(`Not found: ${r.method} ${rawPath}`);
  }

  private v1(r: Req, res: ServerResponse, seg: string[]): void {
    if (seg[0] === 'operations' && r.method === 'GET') return sendJson(res, 200, this.ctx.ops.get(seg.join('/')));
    if (seg[0] !== 'projects') throw notFound(`Not found: ${r.method} ${r.rawPath}`);
    if (seg[2] === 'locations' && seg[4] === 'operations' && seg.length === 6 && r.method === 'GET') {
      return sendJson(res, 200, this.ctx.ops.get(seg.join('/')));
    }
    if (handleRunLocations(this.ctx, r, res, seg)) return;
    if (handleResourceManager(this.ctx, r, res, seg) || handleServiceUsage(this.ctx, r, res, seg) || handleSecretManager(this.ctx, r, res, seg)) return;
    if (seg[2] === 'builds' || seg[4] === 'builds') assertServiceEnabled(this.ctx, seg[1], 'cloudbuild.googleapis.com');
    if (seg[4] === 'repositories') assertServiceEnabled(this.ctx, seg[1], 'artifactregistry.googleapis.com');
    if (seg[2] === 'locations' && seg[4] === 'repositories') return handleArtifactRegistry(this.ctx, this.ar, r, res, seg);
    if (handleCloudBuild(this.ctx, this.builds, this.runner, r, res, seg)) return;
    throw notFound(`Not found: ${r.method} ${r.rawPath}`);
  }

  private async control(r: Req, res: ServerResponse): Promise<void> {
    const what = r.segments[1];
    if (what === 'state' && r.method === 'GET') return sendJson(res, 200, summarize(this));
    if (what === 'gemini') return this.gemini.control(r, res);
    if (what === 'github') return this.github.control(r, res);
    if (what === 'faults' && r.method === 'POST') return sendJson(res, 200, { rule: this.addFault(jsonBody(r)) });
    if (what === 'faults' && r.method === 'GET') return sendJson(res, 200, { hits: this.ctx.faults.hits(), requests: this.ctx.faults.requests() });
    if (what === 'faults' && r.method === 'DELETE') {
      this.ctx.faults.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'uploads' && r.method === 'GET') return sendJson(res, 200, { uploads: this.uploads.records() });
    if (what === 'logs' && r.method === 'POST') return sendJson(res, 200, { seeded: seedLogs(this.ctx.logs, jsonBody(r)) });
    if (what === 'knobs' && r.method === 'GET') return sendJson(res, 200, this.ctx.knobs);
    if (what === 'knobs' && r.method === 'POST') {
      applyKnobs(this.ctx.knobs, jsonBody(r));
      return sendJson(res, 200, this.ctx.knobs);
    }
    if (what === 'reset' && r.method === 'POST') {
      await this.resetState();
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'seed-bucket' && r.method === 'POST') {
      const b = jsonBody(r);
      this.storage.createBucket(String(b.name), String(b.project), typeof b.location === 'string' ? b.location : 'US');
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'seed-service' && r.method === 'POST')
      return sendJson(res, 200, await seedService(this.ctx, this.run, this.ar, jsonBody(r) as unknown as SeedService));
    throw new ApiError(404, 'NOT_FOUND', `Unknown control endpoint ${r.rawPath}`);
  }

  private addFault(body: Record<string, unknown>): number {
    try {
      return this.ctx.faults.add(ruleFromJson(body));
    } catch (e) {
      throw new ApiError(400, 'INVALID_ARGUMENT', (e as Error).message);
    }
  }
}

/** Starts the emulator on 127.0.0.1 (all services on one port, plus one front port per Run service). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const log = opts.log ?? ((): void => undefined);
  const knobs = defaultKnobs();
  applyKnobs(knobs, opts.knobs ?? {});
  if (knobs.contracts) preloadContracts();
  const core = new EmulatorCore(knobs, log, { ...(opts.knobs ?? {}) }, opts.docker);
  if (core.ctx.docker) {
    if (!(await core.ctx.docker.available())) throw new Error(`no Docker daemon answers at ${core.ctx.docker.host}`);
    await removeOrphanContainers(core.ctx.docker, log);
  }
  const server: Server = createServer((req, res) => {
    const foreign = foreignRequest(req);
    if (foreign) return sendError(res, permissionDenied(foreign));
    if (core.ctx.faults.intercept('api', req, res)) return;
    core.handle(req, res).catch((e: unknown) => {
      if (!(e instanceof ApiError)) log(`[emulator] ${req.method ?? ''} ${req.url ?? ''} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendError(res, e);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  log(`[emulator] listening on 127.0.0.1:${port}`);
  let closed: Promise<void> | undefined;
  return {
    port,
    host: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}`,
    knobs,
    configure: (k) => applyKnobs(knobs, k),
    reset: () => {
      void core.resetState();
    },
    gemini: {
      script: (replies) => core.gemini.script(replies),
      requests: () => core.gemini.requests(),
    },
    github: {
      seedRepo: (repo) => core.github.seed(repo),
      acceptToken: (token) => core.github.acceptToken(token),
      rateLimit: (limit) => core.github.setRateLimited(limit),
      tarballRequests: () => core.github.tarballRequests,
    },
    seedLogs: (entries) => {
      seedLogs(core.ctx.logs, { entries });
    },
    seedBucket: (name, project, location) => {
      core.storage.createBucket(name, project, location);
    },
    faults: {
      add: (rule) => core.ctx.faults.add(rule),
      hits: () => core.ctx.faults.hits(),
      requests: () => core.ctx.faults.requests(),
      clear: () => core.ctx.faults.clear(),
    },
    uploads: () => core.uploads.records(),
    seedDomainMapping: (mapping) => core.domains.seed(mapping),
    seedSecret: (secret) => secretsOf(core.ctx).seed(secret),
    seedService: (service) => seedService(core.ctx, core.run, core.ar, service),
    close: () => {
      closed ??= (async () => {
        await core.resetState();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        log('[emulator] closed');
      })();
      return closed;
    },
  };
}

/** A 'corrupt' fault: the middle byte of the body flipped, as a damaged transfer would arrive. */
function damage(body: Buffer, corrupt: boolean): Buffer {
  if (!corrupt || body.length === 0) return body;
  const copy = Buffer.from(body);
  copy[copy.length >> 1] ^= 0xff;
  return copy;
}
