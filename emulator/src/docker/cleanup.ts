// What the emulator leaves in the daemon: containers of an emulator that died
// without closing (found by their label), and the images a reset forgets.
import { CONTAINER_LABEL } from './containerApp';
import type { Docker } from './dockerCli';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers whose emulator process is gone: they would hold their ports and memory forever. */
export async function removeOrphanContainers(docker: Docker, log: (line: string) => void): Promise<void> {
  const r = await docker.exec(['ps', '-a', '--filter', `label=${CONTAINER_LABEL}`, '--format', `{{.ID}} {{.Label "${CONTAINER_LABEL}"}}`], 20_000);
  const orphans = r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([id, pid]) => id && !alive(Number(pid)))
    .map(([id]) => id);
  if (!orphans.length) return;
  log(`[emulator] removing ${orphans.length} container(s) left by emulators that are gone`);
  await docker.exec(['rm', '-f', ...orphans], 30_000);
}

/** Untags images the emulator built; their layers stay as the build cache (--no-prune). */
export async function forgetImages(docker: Docker, names: string[]): Promise<void> {
  if (!names.length) return;
  await docker.exec(['rmi', '--no-prune', '-f', ...names], 60_000);
}
