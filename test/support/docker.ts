// The Docker daemon the container tests use: the private one that
// scripts/containers/setup.sh starts (a fixed socket). Without it the tests that
// need it are skipped with this reason, so machines without Docker still pass.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOCKER_BINARY } from '../../emulator/src/docker/dockerCli';
import { startEmulator, type Emulator } from '../../emulator/src/server';

export const DOCKER_SOCKET = '/run/devgem-docker.sock';
export const DOCKER_HOST = `unix://${DOCKER_SOCKET}`;
/** The repository root (tests run from out/test/…). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const BASE_IMAGES_FILE = path.join(REPO, 'scripts', 'containers', 'base-images.txt');

let checked: string | undefined | null = null;

/** Why the container tests cannot run here, or undefined when the daemon answers (checked once, bounded). */
export function dockerSkipReason(): string | undefined {
  if (checked !== null) return checked;
  checked = undefined;
  if (!existsSync(DOCKER_SOCKET)) checked = `no Docker daemon socket at ${DOCKER_SOCKET} (start one with: bash scripts/containers/setup.sh)`;
  else if (!existsSync(DOCKER_BINARY)) checked = `no Docker client at ${DOCKER_BINARY} (apt-get install docker.io)`;
  else {
    try {
      execFileSync(DOCKER_BINARY, ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST }, timeout: 15_000, stdio: 'pipe' });
    } catch (e) {
      checked = `the Docker daemon at ${DOCKER_SOCKET} does not answer: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return checked;
}

/**
 * Mocha hooks for a suite against an emulator that builds and runs with the
 * real daemon (the suite is skipped, with the reason, without one); tests
 * read `fx.emu`, reset before each.
 */
export function useRealBuilderEmulator(): { readonly emu: Emulator } {
  const fx = {} as { emu: Emulator };
  const skip = dockerSkipReason();
  before(async function () {
    if (skip) {
      console.log(`    skipped: ${skip}`);
      return this.skip();
    }
    fx.emu = await startEmulator({ knobs: { deploySeconds: 0.1, containerStartupSeconds: 8 }, docker: DOCKER_HOST });
  });
  after(async () => {
    await fx.emu?.close();
  });
  beforeEach(() => fx.emu?.reset());
  return fx;
}

/** The stand-in base images (scripts/containers/base-images.txt), the one list setup.sh builds from. */
export function baseImages(): string[] {
  return readFileSync(BASE_IMAGES_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The images a Dockerfile pulls: its FROM images and COPY --from=image, not its own stages. */
export function pulledImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line.trim());
    if (from) {
      if (!stages.has(from[1].toLowerCase())) images.push(from[1]);
      if (from[2]) stages.add(from[2].toLowerCase());
    }
    const copy = /^COPY\s+.*--from=(\S+)/i.exec(line.trim());
    if (copy && !stages.has(copy[1].toLowerCase()) && !/^\d+$/.test(copy[1])) images.push(copy[1]);
  }
  return [...new Set(images)];
}
