import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Context } from './context';
import { alreadyExists, enumName, invalidArgument, jsonBody, notFound, nowIso, sendJson, type Req } from './http';
import { labelProblem } from './labels';
import { any } from './operations';

const FORMATS = ['FORMAT_UNSPECIFIED', 'DOCKER', 'MAVEN', 'NPM', 'APT', 'YUM', 'GOOGET', 'PYTHON', 'KFP', 'GO', 'GENERIC', 'RUBY'];
const AR_TYPE = 'google.devtools.artifactregistry.v1';

/** An image produced by the emulator's Cloud Build. */
export interface BuiltImage {
  /** Image name as built, e.g. us-central1-docker.pkg.dev/p/repo/app:tag */
  name: string;
  digest: string;
  /** Temp dir holding the extracted build context. */
  sourceDir: string;
  buildId: string;
  createTime: string;
  /** The image id in the Docker daemon, when a real builder made it. */
  dockerImage?: string;
}

interface Repository {
  name: string;
  format: string;
  description?: string;
  createTime: string;
  updateTime: string;
  labels?: Record<string, string>;
}

/** In-memory Artifact Registry: repositories and the images builds pushed. */
export class ArtifactRegistryState {
  readonly repositories = new Map<string, Repository>();
  /** Keyed by image name with tag (":latest" added when missing). */
  readonly images = new Map<string, BuiltImage>();

  clear(): void {
    this.repositories.clear();
    this.images.clear();
  }

  recordImage(img: BuiltImage): void {
    this.images.set(normalizeImage(img.name), img);
  }

  /** Finds a built image by `name[:tag]` or `name@sha256:…`. */
  findImage(ref: string): BuiltImage | undefined {
    const at = ref.indexOf('@');
    if (at >= 0) {
      const base = ref.slice(0, at);
      const digest = ref.slice(at + 1);
      return [...this.images.values()].find((i) => i.digest === digest && stripTag(i.name) === stripTag(base));
    }
    return this.images.get(normalizeImage(ref));
  }
}

function stripTag(name: string): string {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

export function normalizeImage(name: string): string {
  return stripTag(name) === name ? `${name}:latest` : name;
}

function repoJson(r: Repository): Record<string, unknown> {
  const j: Record<string, unknown> = {
    name: r.name,
    format: r.format,
    createTime: r.createTime,
    updateTime: r.updateTime,
    mode: 'STANDARD_REPOSITORY',
    sizeBytes: '0',
  };
  if (r.description) j.description = r.description;
  if (r.labels) j.labels = r.labels;
  return j;
}

/** Handles /v1/projects/P/locations/L/repositories[/R]. `seg` starts at 'projects'. */
export function handleArtifactRegistry(ctx: Context, st: ArtifactRegistryState, req: Req, res: ServerResponse, seg: string[]): void {
  const [, project, , location] = seg;
  const parent = `projects/${project}/locations/${location}`;
  if (seg.length === 5 && req.method === 'POST') {
    const id = req.query.get('repositoryId') ?? '';
    if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id)) throw invalidArgument(`Invalid repository id '${id}'.`);
    const name = `${parent}/repositories/${id}`;
    if (st.repositories.has(name)) throw alreadyExists(`the repository already exists`);
    const body = jsonBody(req);
    const bad = labelProblem(body.labels);
    if (bad) throw invalidArgument(`repository.labels: ${bad.message}.`);
    const now = nowIso();
    const repo: Repository = {
      name,
      format: enumName(body.format, FORMATS, 'DOCKER'),
      description: typeof body.description === 'string' ? body.description : undefined,
      labels: body.labels as Record<string, string> | undefined,
      createTime: now,
      updateTime: now,
    };
    st.repositories.set(name, repo);
    const opName = `${parent}/operations/${randomUUID()}`;
    const op = ctx.ops.create(opName, any(`${AR_TYPE}.OperationMetadata`, {}));
    const t = setTimeout(() => op.succeed(any(`${AR_TYPE}.Repository`, repoJson(repo))), 50);
    t.unref();
    ctx.log(`[artifactregistry] created repository ${name}`);
    return sendJson(res, 200, op.toJson());
  }
  if (seg.length === 5 && req.method === 'GET') {
    const repositories = [...st.repositories.values()].filter((r) => r.name.startsWith(`${parent}/`)).map(repoJson);
    return sendJson(res, 200, { repositories });
  }
  // GET …/repositories/R/packages/PKG/tags/TAG: what a build pushed under that tag.
  if (seg.length === 10 && seg[6] === 'packages' && seg[8] === 'tags' && req.method === 'GET') {
    const repoName = `${parent}/repositories/${seg[5]}`;
    const [pkg, tag] = [seg[7], seg[9]];
    const img = st.repositories.has(repoName) ? st.findImage(`${location}-docker.pkg.dev/${project}/${seg[5]}/${pkg}:${tag}`) : undefined;
    if (!img) throw notFound(`Requested entity was not found.`);
    const pkgName = `${repoName}/packages/${encodeURIComponent(pkg)}`;
    return sendJson(res, 200, { name: `${pkgName}/tags/${tag}`, version: `${pkgName}/versions/${img.digest}` });
  }
  if (seg.length === 6) {
    const name = `${parent}/repositories/${seg[5]}`;
    const repo = st.repositories.get(name);
    if (!repo) throw notFound(`Requested entity was not found.`);
    if (req.method === 'GET') return sendJson(res, 200, repoJson(repo));
    if (req.method === 'DELETE') {
      st.repositories.delete(name);
      const op = ctx.ops.create(`${parent}/operations/${randomUUID()}`, any(`${AR_TYPE}.OperationMetadata`, {}));
      op.succeed(any('google.protobuf.Empty', {}));
      return sendJson(res, 200, op.toJson());
    }
  }
  throw notFound(`Not found: ${req.method} ${req.rawPath}`);
}
