// A server that listens on localhost only cannot be reached on Cloud Run: the analysis warns
// with the line that fixes it (and the emulator refuses such a revision as Cloud Run does).
import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analysis/analyzeWorkspace';
import type { AppAnalysis } from '../../src/core/analysis/types';
import { makeWorkspace } from '../support/workspace';

async function analyse(files: Record<string, string>): Promise<AppAnalysis> {
  const ws = await makeWorkspace(files);
  try {
    return (await analyzeWorkspace(ws.root)).apps[0];
  } finally {
    await ws.cleanup();
  }
}

const node = (server: string) => ({ 'package.json': JSON.stringify({ name: 'a', scripts: { start: 'node server.js' } }), 'server.js': server });
const warning = (app: AppAnalysis) => app.warnings.find((w) => w.kind === 'localhost-listen');

describe('analysis: a server that listens on localhost only', () => {
  it('warns for Node listen(port, host), listen({ host }) and Bun serve({ hostname }), with the fixed line', async () => {
    const a = await analyse(node("const http = require('http');\nhttp.createServer((q, s) => s.end()).listen(process.env.PORT, 'localhost');\n"));
    assert.deepEqual(warning(a) && { fix: warning(a)!.fix, evidence: warning(a)!.evidence }, {
      fix: "server.js:2: http.createServer((q, s) => s.end()).listen(process.env.PORT, '0.0.0.0');",
      evidence: [{ file: 'server.js', line: 2, detail: "http.createServer((q, s) => s.end()).listen(process.env.PORT, 'localhost');" }],
    });
    assert.match(warning(a)!.message, /listens on localhost only.*Listen on 0\.0\.0\.0/);
    const b = await analyse(node('const app = require("fastify")();\napp.listen({\n  port: Number(process.env.PORT),\n  host: "127.0.0.1",\n});\n'));
    assert.equal(warning(b)?.fix, 'server.js:4: host: "0.0.0.0",');
    const c = await analyse(node("Bun.serve({\n  hostname: 'localhost',\n  port: Number(process.env.PORT),\n  fetch() { return new Response('hi'); },\n});\n"));
    assert.equal(warning(c)?.fix, "server.js:2: hostname: '0.0.0.0',");
  });

  it('warns for a Python file the container runs itself, not for one gunicorn imports', async () => {
    const direct = await analyse({
      'requirements.txt': 'aiohttp\n',
      'server.py': "import os\nfrom aiohttp import web\napp = web.Application()\nweb.run_app(app, host='localhost', port=int(os.environ['PORT']))\n",
    });
    assert.deepEqual(direct.start?.value, ['python', 'server.py']);
    assert.equal(warning(direct)?.fix, "server.py:4: web.run_app(app, host='0.0.0.0', port=int(os.environ['PORT']))");
    const served = await analyse({
      'requirements.txt': 'flask\n',
      'app.py':
        'import os\nfrom flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", 5000)))\n',
    });
    assert.equal(served.start?.value[0], 'gunicorn');
    assert.equal(warning(served), undefined);
  });

  it('says nothing when the server listens on every address or leaves the host out', async () => {
    for (const line of ["listen(process.env.PORT, '0.0.0.0')", 'listen(process.env.PORT)', "listen({ port: 8080, host: '::' })"]) {
      assert.equal(warning(await analyse(node(`require('http').createServer().${line};\n`))), undefined, line);
    }
  });
});
