import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from './faults';

/** Where a front sends a request right now. */
export type FrontTarget =
  { kind: 'forbidden' } | { kind: 'proxy'; port: number } | { kind: 'not-started'; revision: string; why: string } | { kind: 'unavailable' };

/** The header (and 501) of an answer for a revision the emulator did not start: Devgem's health check reads it. */
export const NOT_STARTED_HEADER = 'x-devgem-emulator';

const GFE = { Server: 'Google Frontend', 'Content-Type': 'text/html; charset=UTF-8' };

function forbiddenHtml(path: string): string {
  return `<html><head>
<meta http-equiv="content-type" content="text/html;charset=utf-8">
<title>403 Forbidden</title>
</head>
<body text=#000000 bgcolor=#ffffff>
<h1>Error: Forbidden</h1>
<h2>Your client does not have permission to get URL <code>${path.replace(/[<>&"]/g, '')}</code> from this server.</h2>
<h2></h2>
</body></html>
`;
}

function unavailableHtml(): string {
  return `<html><head>
<meta http-equiv="content-type" content="text/html;charset=utf-8">
<title>503 Service Unavailable</title>
</head>
<body text=#000000 bgcolor=#ffffff>
<h1>Error: Service Unavailable</h1>
<h2>The service you requested is not available yet. Please try again in 30 seconds.</h2>
<h2></h2>
</body></html>
`;
}

/** The per-service HTTP front (what the service's https://…run.app URL would be). */
export class FrontServer {
  private server?: Server;
  port = 0;

  constructor(
    private readonly route: () => FrontTarget,
    private readonly log: (line: string) => void,
    private readonly faults?: Faults,
  ) {}

  get uri(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.faults?.intercept('service', req, res)) return;
    const target = this.route();
    if (target.kind === 'forbidden') {
      req.resume();
      res.writeHead(403, GFE);
      res.end(forbiddenHtml(req.url ?? '/'));
      return;
    }
    if (target.kind === 'unavailable') {
      req.resume();
      res.writeHead(503, GFE);
      res.end(unavailableHtml());
      return;
    }
    if (target.kind === 'not-started') {
      // Not 200: nothing ran, so no client may take this answer for the app's.
      req.resume();
      res.writeHead(501, { 'Content-Type': 'text/plain; charset=utf-8', Server: 'Google Frontend', [NOT_STARTED_HEADER]: 'not-started' });
      res.end(`Not started by the emulator: revision ${target.revision} (${target.why}).\n`);
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target.port}` }, agent: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      this.log(`[front :${this.port}] upstream error: ${e.message}`);
      if (!res.headersSent) {
        res.writeHead(502, GFE);
        res.end(
          '<html><body><h1>Error: Server Error</h1><h2>The server encountered a temporary error and could not complete your request.</h2></body></html>\n',
        );
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
  }
}
