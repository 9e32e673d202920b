// A tiny web server that listens where Cloud Run tells it to: $PORT.
const http = require('node:http');

const port = Number(process.env.PORT) || 8080;
const started = new Date().toISOString();

http
  .createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Hello from Devgem</title><h1>Hello from Devgem</h1><p>Running since ${started}.</p>`);
  })
  .listen(port, () => console.log(`hello-node listening on ${port}`));

process.on('SIGTERM', () => process.exit(0));
