import type { HttpProbePort } from '../../core/cloud/ports';
import { EMULATOR_HEADER } from '../../core/deploy/reachability';

/** An anonymous GET, as a visitor would make it; redirects count as an answer. */
export const httpProbe: HttpProbePort = {
  async get(url, signal) {
    const res = await fetch(url, { signal, redirect: 'manual', headers: { 'user-agent': 'devgem-health-check' } });
    await res.body?.cancel();
    return { status: res.status, emulator: res.headers.get(EMULATOR_HEADER) ?? undefined };
  },
};
