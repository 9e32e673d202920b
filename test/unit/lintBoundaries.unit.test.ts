// The layer boundaries of eslint.config.mjs (issue 12) must bite: each case lints a small file placed (virtually)
// inside a zone that imports what the zone forbids, and expects the boundary rule to report it; the allowed
// imports next to them must pass, so the rules do not just reject everything.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'import-x/no-restricted-paths', 'no-restricted-globals']);

interface Case {
  /** Where the virtual file sits, relative to the repository root (it need not exist). */
  file: string;
  code: string;
}

const FORBIDDEN: Case[] = [
  { file: 'src/core/deploy/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  { file: 'src/core/deploy/virtual.ts', code: "import type { Uri } from 'vscode';\nexport type U = Uri;\n" },
  { file: 'src/core/virtual.ts', code: "export const vscode = require('vscode');\n" },
  { file: 'src/core/cloud/virtual.ts', code: "import { Storage } from '@google-cloud/storage';\nexport const s = Storage;\n" },
  { file: 'src/core/agent/virtual.ts', code: "export type GenAI = typeof import('@google/genai');\n" },
  { file: 'src/core/github/virtual.ts', code: "export const load = () => import('@octokit/rest');\n" },
  { file: 'src/core/base/virtual.ts', code: "import { GoogleAuth } from 'google-auth-library';\nexport const a = GoogleAuth;\n" },
  { file: 'src/core/base/virtual.ts', code: "export const gax = require('google-gax/build/src/fallback');\n" },
  { file: 'src/core/deploy/virtual.ts', code: "import { createCloudPorts } from '../../adapters/gcp/cloudPorts';\nexport const p = createCloudPorts;\n" },
  { file: 'src/core/deploy/virtual.ts', code: "export const gcp = require('../../adapters/gcp/cloudPorts');\n" },
  { file: 'src/core/virtual.ts', code: "import { runCli } from '../cli/runCli';\nexport const r = runCli;\n" },
  { file: 'src/cli/virtual.ts', code: "import { deployTool } from '../core/agent/tools/deployTools';\nexport const t = deployTool;\n" },
  { file: 'src/cli/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  { file: 'webview-ui/src/chat/virtual.ts', code: "import { DevgemError } from '../../../src/core/base/errors';\nexport const e = DevgemError;\n" },
  {
    file: 'webview-ui/src/chat/virtual.ts',
    code: "import { createCloudPorts } from '../../../src/adapters/gcp/cloudPorts';\nexport const p = createCloudPorts;\n",
  },
  { file: 'webview-ui/src/chat/virtual.ts', code: "import * as fs from 'node:fs';\nexport const r = fs.readFileSync;\n" },
  { file: 'webview-ui/src/chat/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  { file: 'src/shared/virtual.ts', code: "import { DevgemError } from '../core/base/errors';\nexport const e = DevgemError;\n" },
  { file: 'src/shared/virtual.ts', code: "import * as path from 'node:path';\nexport const j = path.join;\n" },
  { file: 'src/shared/virtual.ts', code: 'export const title = (): string => document.title;\n' },
  { file: 'src/shared/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  { file: 'emulator/src/virtual.ts', code: "import { DevgemError } from '../../src/core/base/errors';\nexport const e = DevgemError;\n" },
  { file: 'emulator/src/virtual.ts', code: "import { MAX_LOG_LINES } from '../../src/shared/protocol';\nexport const v = MAX_LOG_LINES;\n" },
  { file: 'src/adapters/gcp/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  { file: 'src/adapters/github/virtual.ts', code: "export const vscode = require('vscode');\n" },
];

const ALLOWED: Case[] = [
  {
    file: 'src/core/deploy/virtual.ts',
    code: "import * as path from 'node:path';\nimport { DevgemError } from '../base/errors';\nexport const x = [path.sep, DevgemError];\n",
  },
  { file: 'src/core/analysis/virtual.ts', code: "export const kit = require('./analysisKit');\n" },
  { file: 'src/cli/virtual.ts', code: "import { deployOptionsFor } from '../core/deploy/deployRequest';\nexport const d = deployOptionsFor;\n" },
  { file: 'src/cli/virtual.ts', code: "export const gcp = require('../adapters/gcp/cloudPorts');\n" },
  {
    file: 'webview-ui/src/chat/virtual.ts',
    code:
      "import '@vscode-elements/elements/dist/vscode-button/index.js';\nimport '@vscode/codicons/dist/codicon.css';\nimport './chat.css';\n" +
      "import { STAGE_TITLES } from '../../../src/shared/protocol';\nimport { h } from '../shell/dom';\nexport const x = [STAGE_TITLES, h];\n",
  },
  { file: 'src/shared/virtual.ts', code: "import { STAGE_TITLES } from './protocol';\nexport const t = STAGE_TITLES;\n" },
  {
    file: 'emulator/src/virtual.ts',
    code: "import * as http from 'node:http';\nimport { projectNumber } from './ids';\nexport const x = [http.STATUS_CODES, projectNumber];\n",
  },
  { file: 'src/adapters/gcp/virtual.ts', code: "import { Storage } from '@google-cloud/storage';\nexport const s = Storage;\n" },
  { file: 'src/adapters/vscode/virtual.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
];

describe('lint boundaries (eslint.config.mjs)', function () {
  // Loading typescript-eslint and the config once takes a few seconds on a busy machine.
  this.timeout(120_000);
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT, cache: false });
  });

  async function lint(c: Case): Promise<Linter.LintMessage[]> {
    const [result] = await eslint.lintText(c.code, { filePath: path.join(ROOT, c.file) });
    return result.messages;
  }

  for (const c of FORBIDDEN) {
    it(`reports ${c.code.split('\n')[0]} in ${c.file}`, async () => {
      const messages = await lint(c);
      const boundary = messages.filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId));
      assert.ok(boundary.length > 0, `expected a boundary error, got ${JSON.stringify(messages.map((m) => `${m.ruleId}: ${m.message}`))}`);
      for (const m of boundary) assert.match(m.message, /Not allowed here: .{20,}|restricted zone\. .{20,}|src\/shared runs/, 'the message says why');
    });
  }

  for (const c of ALLOWED) {
    it(`allows ${c.code.split('\n')[0]} in ${c.file}`, async () => {
      const messages = await lint(c);
      assert.deepEqual(
        messages.map((m) => `${m.ruleId}: ${m.message}`),
        [],
      );
    });
  }
});
