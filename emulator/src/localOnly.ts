import type { IncomingMessage } from 'node:http';

/** Host headers the emulator answers: itself on the loopback, by address or by name, any port. */
const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

/**
 * Why a request must be refused, or undefined. The emulator holds a model of a Google Cloud
 * account on the developer's machine: a web page must not reach it. Browsers send `Origin` on
 * cross-site requests (and on every POST), and a DNS-rebound page sends its own name as
 * `Host`; Devgem's clients (Node) send neither an Origin nor a foreign Host.
 */
export function foreignRequest(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    return `The Devgem Cloud emulator refuses requests from web pages (this one carries Origin: ${String(origin).slice(0, 100)}). Call it from a local program instead.`;
  }
  const host = req.headers.host ?? '';
  if (!LOCAL_HOST.test(host)) {
    return `The Devgem Cloud emulator answers only requests addressed to 127.0.0.1 or localhost (Host was ${JSON.stringify(host.slice(0, 100))}).`;
  }
  return undefined;
}
