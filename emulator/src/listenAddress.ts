import { readFile } from 'node:fs/promises';

// Cloud Run reaches a container from outside it: its startup probe and requests
// never arrive on the container's loopback interface, so a server that listens on
// 127.0.0.1 only never starts there. The emulator runs apps in the host's network
// (processes, or containers with --network=host), where loopback would work; so it
// reads which addresses the app listens on and refuses loopback-only, as Cloud Run would.

const V4_LOOPBACK = /7F$/; // 127.x.x.x, as /proc prints it (little-endian)
const V6_LOOPBACK = /^(0{24}01000000|0{16}FFFF0000[0-9A-F]{6}7F)$/; // ::1 and ::ffff:127.x.x.x

/** Addresses (as /proc/net/tcp{,6} prints them) with a socket listening on `port`; undefined where /proc cannot say. */
async function listeners(port: number): Promise<{ v4: string[]; v6: string[] } | undefined> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const read = async (file: string): Promise<string[] | undefined> => {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    return text
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hex}`))
      .map((f) => f[1].split(':')[0]);
  };
  const [v4, v6] = await Promise.all([read('/proc/net/tcp'), read('/proc/net/tcp6')]);
  if (v4 === undefined && v6 === undefined) return undefined;
  return { v4: v4 ?? [], v6: v6 ?? [] };
}

/** True when everything listening on `port` listens on a loopback address only (false when unknown). */
export async function listensOnLoopbackOnly(port: number): Promise<boolean> {
  const l = await listeners(port);
  if (!l || l.v4.length + l.v6.length === 0) return false;
  return l.v4.every((a) => V4_LOOPBACK.test(a)) && l.v6.every((a) => V6_LOOPBACK.test(a));
}

/** Cloud Run's reason, for the emulator's log. */
export function loopbackReason(port: number): string {
  return `listens on 127.0.0.1:${port} (loopback) only; Cloud Run's startup probe and requests come from outside the container and never reach it`;
}
