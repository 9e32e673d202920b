// An address where nothing listens: a loopback port that was just bound and
// released, for tests of what happens when the service is unreachable.
import * as net from 'node:net';

/** '127.0.0.1:PORT' of a port that was just free and is closed again. */
export async function closedLoopbackHost(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
