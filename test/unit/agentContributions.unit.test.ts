// package.json must declare exactly what the extension registers at run time.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LM_TOOL_PREFIX, createToolRegistry } from '../../src/core/agent/tools';
import { DEFAULT_MAX_DOWNLOAD_MB } from '../../src/core/github/gitHubSource';
import { allSettings, localizedManifest, type SettingSection } from '../support/manifest';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    languageModelTools: { name: string; modelDescription: string; inputSchema: unknown; toolReferenceName?: string; userDescription?: string; icon?: string }[];
    chatParticipants: { id: string; name: string }[];
    configuration: SettingSection[];
  };
}

const manifest = localizedManifest<Manifest>();

describe('package.json contributions for the agent', () => {
  const registry = createToolRegistry();

  it("offers exactly the read-only tools to VS Code Chat, with the registry's schema and description", () => {
    const reads = registry.list((t) => t.risk === 'read');
    assert.deepEqual(
      manifest.contributes.languageModelTools.map((t) => t.name),
      reads.map((t) => `${LM_TOOL_PREFIX}${t.name}`),
    );
    for (const t of reads) {
      const declared = manifest.contributes.languageModelTools.find((d) => d.name === `${LM_TOOL_PREFIX}${t.name}`)!;
      assert.deepEqual(declared.inputSchema, t.parameters, t.name);
      assert.equal(declared.modelDescription, t.description, t.name);
    }
    for (const name of ['deploy', 'delete_service', 'rollback', 'set_env_vars', 'propose_fix', 'deploy_github_repo']) {
      assert.ok(!manifest.contributes.languageModelTools.some((d) => d.name === `${LM_TOOL_PREFIX}${name}`), `${name} must not be a VS Code tool`);
    }
  });

  it("names each tool's #reference in Devgem's namespace, apart from VS Code's built-ins, with a user description and its own icon", () => {
    const tools = manifest.contributes.languageModelTools;
    // VS Code's own tool references (#codebase, #readFile …): a tool of ours must never shadow one.
    const builtIns = [
      'codebase',
      'readFile',
      'editFiles',
      'search',
      'fetch',
      'githubRepo',
      'terminalLastCommand',
      'runCommands',
      'problems',
      'changes',
      'usages',
      'findTestFiles',
      'listDirectory',
      'fileSearch',
      'textSearch',
      'runTasks',
      'new',
      'extensions',
      'todos',
      'runSubagent',
    ];
    const refs = tools.map((t) => t.toolReferenceName ?? '');
    for (const t of tools) {
      assert.match(t.toolReferenceName ?? '', /^devgem_[a-zA-Z]+$/, t.name);
      assert.ok(!builtIns.includes(t.toolReferenceName!), `${t.name} shadows a built-in`);
      assert.ok((t.userDescription ?? '').trim().length > 20, `${t.name} has a userDescription`);
      assert.match(t.icon ?? '', /^\$\([a-z-]+\)$/, `${t.name}: a codicon`);
    }
    assert.equal(new Set(refs).size, refs.length, 'distinct references');
    assert.equal(new Set(tools.map((t) => t.icon)).size, tools.length, 'distinct icons');
    assert.ok(refs.includes('devgem_readFile'));
  });

  it('has every tool the issue asks for, with the right risk', () => {
    const risks = Object.fromEntries(registry.list().map((t) => [t.name, t.risk]));
    assert.deepEqual(
      {
        analyze: risks.analyze_workspace,
        docker: risks.generate_dockerfile,
        deploy: risks.deploy,
        status: risks.get_deploy_status,
        build: risks.get_build_logs,
        list: risks.list_services,
        describe: risks.describe_service,
        logs: risks.get_service_logs,
        env: risks.set_env_vars,
        revs: risks.list_revisions,
        rollback: risks.rollback,
        del: risks.delete_service,
      },
      {
        analyze: 'read',
        docker: 'read',
        deploy: 'write',
        status: 'read',
        build: 'read',
        list: 'read',
        describe: 'read',
        logs: 'read',
        env: 'write',
        revs: 'read',
        rollback: 'write',
        del: 'destructive',
      },
    );
    // Issue 6: deploying a GitHub repository.
    assert.deepEqual({ repos: risks.list_github_repos, deployRepo: risks.deploy_github_repo }, { repos: 'read', deployRepo: 'write' });
  });

  it('declares the @devgem participant, the key and chat commands and the AI settings', () => {
    assert.deepEqual(
      manifest.contributes.chatParticipants.map((p) => [p.id, p.name]),
      [['devgem.agent', 'devgem']],
    );
    const commands = manifest.contributes.commands.map((c) => c.command);
    for (const c of ['devgem.setGeminiApiKey', 'devgem.clearGeminiApiKey', 'devgem.newChat', 'devgem.showUsage', 'devgem.deployGitHubRepo'])
      assert.ok(commands.includes(c), c);
    const props = allSettings(manifest.contributes.configuration);
    assert.equal(props['devgem.ai.model'].default, 'gemini-3.8-flash');
    assert.equal(props['devgem.github.maxDownloadMB'].default, DEFAULT_MAX_DOWNLOAD_MB);
    for (const key of [
      'devgem.ai.provider',
      'devgem.ai.vertexProject',
      'devgem.ai.vertexLocation',
      'devgem.ai.maxSteps',
      'devgem.limits.deploysPerDay',
      'devgem.limits.modelCallsPerDay',
      'devgem.limits.tokensPerDay',
      'devgem.ai.firstByteTimeoutSeconds',
      'devgem.ai.idleTimeoutSeconds',
    ])
      assert.ok(props[key], key);
  });

  it('names only settings that exist in what it tells the user', () => {
    const root = path.join(__dirname, '../../../src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const props = allSettings(manifest.contributes.configuration);
    const named = new Map<string, string>();
    // Context keys the extension sets (for package.json's `when` clauses) are devgem.* names too, but not settings.
    const contextKeys = new Set<string>();
    for (const f of files) {
      const text = readFileSync(path.join(root, f), 'utf8');
      // Setting namespaces, and any quoted or backticked devgem.* name in a message.
      for (const m of text.matchAll(/devgem\.(?:ai|limits|github)\.[A-Za-z]+|(?<=[`"])devgem\.[a-z][A-Za-z.]*(?=[`"])/g)) named.set(m[0], f);
      for (const m of text.matchAll(/'setContext',\s*'(devgem\.[A-Za-z.]+)'/g)) contextKeys.add(m[1]);
    }
    assert.ok(named.size >= 10, [...named.keys()].join(', '));
    for (const [key, file] of named) assert.ok(props[key] || contextKeys.has(key), `${file} names ${key}, which is not a setting`);
  });
});
