// Lint for Devgem. Most of it is here for the boundaries between the layers (issue 12): a rule that fails
// `npm test` keeps `src/core` pure once more people write code, where habit would not.
// Prettier owns the layout (`prettier --check` runs beside ESLint in `npm run lint`); these rules look for bugs.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** Bare module names a zone may not load, each as [regex over the specifier, why]. */
const VSCODE = ['^vscode$', 'only src/extension.ts and src/adapters/vscode talk to VS Code, so everything else runs (and is tested) in plain Node'];
const SDKS = [
  '^(@google-cloud\\x2F|@octokit\\x2F|(@google\\x2Fgenai|google-auth-library|google-gax|gaxios)(\\x2F|$))',
  'cloud and model SDKs live behind the ports in src/core/cloud and src/core/agent; only src/adapters/{gcp,gemini,github} load them',
];

/**
 * `no-restricted-imports` sees only `import`/`export ... from`; the code also loads modules lazily with `require()`
 * (the split bundles), `import()` and `typeof import()`, so the same names are banned there through selectors.
 */
function forbidModules(...banned) {
  const selectors = banned.flatMap(([re, why]) => {
    const r = `/${re}/`;
    const message = `Not allowed here: ${why}.`;
    return [
      { selector: `CallExpression[callee.name='require'][arguments.0.value=${r}]`, message },
      { selector: `ImportExpression[source.value=${r}]`, message },
      { selector: `TSImportType[source.value=${r}]`, message },
      { selector: `TSExternalModuleReference[expression.value=${r}]`, message },
    ];
  });
  return {
    'no-restricted-imports': ['error', { patterns: banned.map(([re, why]) => ({ regex: re, message: `Not allowed here: ${why}.` })) }],
    'no-restricted-syntax': ['error', ...selectors],
  };
}

/** Folders a zone may not import from (resolved paths, so `../../adapters/x` and `require('../cli/y')` both count). */
function forbidPaths(...zones) {
  return { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }] };
}

export default defineConfig(
  {
    ignores: ['out/**', 'out-*/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'samples/**', '.tools/**', '.devgem-run/**', 'test-artifacts/**'],
  },
  {
    files: ['*.mjs', 'scripts/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['test/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    // Import loops are checked by scripts/importCycles.mjs: import-x/no-cycle skips `import type`, which the loops of issue 12 were.
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Lazy `require()` is how the extension keeps SDKs and the analysis kit out of activation (see esbuild.mjs, bench/).
      '@typescript-eslint/no-require-imports': 'off',
      // `_name` marks a parameter or a destructured rest sibling that is deliberately unused (tsc's noUnused* agrees).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A closure may read a `let` that is assigned once, later (the view provider in extension.ts); const cannot say that.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'max-len': [
        'error',
        { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreComments: true },
      ],
    },
  },

  // --- Boundaries (issue 12). Each file sits in at most one zone below, so their rule lists do not overwrite each other.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      ...forbidModules(VSCODE, SDKS),
      ...forbidPaths({
        target: 'src/core',
        from: ['src/adapters', 'src/cli', 'src/extension.ts'],
        message: 'core is the product logic; adapters and front ends depend on it, never the other way (pass a port in instead).',
      }),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      ...forbidModules([VSCODE[0], 'the CLI runs in a terminal without VS Code']),
      ...forbidPaths({
        target: 'src/cli',
        from: 'src/core/agent',
        message: 'the CLI deploys without the chat agent and its model; shared checks belong in a neutral core module (e.g. core/deploy/deployRequest).',
      }),
    },
  },
  {
    files: ['webview-ui/src/**/*.ts'],
    rules: {
      ...forbidModules([
        '^(?![./]|@vscode-elements\\x2F|@vscode\\x2Fcodicons(\\x2F|$))',
        'the webview is a browser page: it loads its own files, src/shared, @vscode-elements and @vscode/codicons, and talks to the host by messages',
      ]),
      ...forbidPaths({
        target: 'webview-ui/src',
        from: '.',
        except: ['./webview-ui/src', './src/shared', './node_modules/@vscode-elements', './node_modules/@vscode/codicons'],
        message: 'the webview is a browser page: only its own files and src/shared (the message protocol) go into its bundle.',
      }),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      ...forbidModules(['^(?![./])', 'src/shared is compiled into both the Node host and the browser webview, so it uses no package, Node module or vscode']),
      ...forbidPaths({
        target: 'src/shared',
        from: '.',
        except: ['./src/shared'],
        message: 'src/shared is the host <-> webview vocabulary; core and adapters import it, not the other way.',
      }),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'src/shared runs both in Node and in the webview: no DOM-only or Node-only globals.',
        })),
      ],
    },
  },
  {
    files: ['emulator/**/*.ts'],
    rules: forbidPaths({
      target: 'emulator',
      from: 'src',
      message: 'the emulator stands in for Google Cloud; sharing code with the extension would let a bug in one hide the same bug in the other.',
    }),
  },
  {
    files: ['src/adapters/gcp/**/*.ts', 'src/adapters/gemini/**/*.ts', 'src/adapters/github/**/*.ts'],
    rules: forbidModules([VSCODE[0], 'the cloud, model and GitHub adapters also serve the CLI; VS Code glue goes in src/adapters/vscode']),
  },
);
