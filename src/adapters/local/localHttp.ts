// Loopback helpers for a local run: a free TCP port and one HTTP probe.
import * as http from 'node:http';
import * as net from 'node:net';

/** A port the OS says is free on 127.0.0.1 now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The status of one GET of `url` (bounded at 5 s), or undefined when nothing answers. */
export function probeHttp(url: string, signal: AbortSignal): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { signal, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
