// The local container engine (Docker or Podman) as "Devgem: Run Locally" sees
// it. The CLI adapter (adapters/local/containerCli.ts) implements it; unit
// tests use a fake. Values of env vars never appear in a request's argv: the
// adapter hands them to the engine's client through its own environment.

export interface EngineInfo {
  /** `docker` or `podman`. */
  name: 'docker' | 'podman';
  /** The client binary that was found. */
  binary: string;
  /** The daemon's (or Podman's) version. */
  version: string;
  /** No bridge network to publish ports on (a daemon started with --bridge=none): containers and builds use the host's network. */
  hostNetworkOnly: boolean;
}

export interface BuildRequest {
  /** Folder holding the build context (already filtered by Devgem's ignore rules). */
  contextDir: string;
  /** Dockerfile path relative to `contextDir`, POSIX. */
  dockerfile: string;
  tag: string;
  hostNetwork: boolean;
}

export interface RunRequest {
  image: string;
  /** Container name, unique per run. */
  name: string;
  /** `PORT` inside, and the loopback port it is published on. */
  port: number;
  /** Every env var the container gets, PORT included; secrets among them when the user opted in. */
  env: Record<string, string>;
  /** Use the host's network (only when the engine cannot publish ports). */
  hostNetwork: boolean;
}

export interface ContainerEnginePort {
  /** The engine and whether its daemon answers; a DevgemError saying what to do when not. */
  detect(signal: AbortSignal): Promise<EngineInfo>;
  /** Builds `tag`, streaming the engine's output line by line; a DevgemError with the log's tail when it fails. */
  build(req: BuildRequest, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  /** Starts a detached container; returns its id. */
  run(req: RunRequest, signal: AbortSignal): Promise<string>;
  /** Streams the container's stdout and stderr until it exits or `signal` aborts; resolves then. */
  followLogs(id: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  /** Whether the container is still running (false once it exited or is gone). */
  isRunning(id: string, signal: AbortSignal): Promise<boolean>;
  /** Stops and removes the container (and nothing else); no error when it is gone already. */
  remove(id: string, signal: AbortSignal): Promise<void>;
}
