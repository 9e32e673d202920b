// `npm start`: a real VS Code in the browser (code-server) with Devgem installed,
// opened on a sample workspace. Without Google Cloud credentials it also starts
// the local Cloud emulator and points Devgem at it.
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator/src/server';
import { installExtension, startCodeServer } from './codeServer';

const REPO = path.resolve(__dirname, '../..');
const RUN_DIR = path.join(REPO, '.devgem-run');

function hasGoogleCredentials(): boolean {
  if (process.env.GOOGLE_APPLICATION_CREDENTIALS) return true;
  const gcloudDir = process.env.CLOUDSDK_CONFIG || path.join(os.homedir(), '.config', 'gcloud');
  return existsSync(path.join(gcloudDir, 'application_default_credentials.json'));
}

/**
 * The copy lives in a folder Devgem's clone ignores, so it belongs to no repository; make it one of its own
 * (an initial commit) so deploys record its commit and turn dirty after an edit. Without git it stays none.
 */
function initSampleRepository(folder: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, stdio: 'ignore', timeout: 30_000 });
  try {
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=Devgem sample', '-c', 'user.email=sample@devgem.invalid', 'commit', '-q', '--no-gpg-sign', '-m', 'The hello-node sample');
  } catch {
    process.stderr.write('[devgem start] git is not available: the sample workspace is not a git repository\n');
  }
}

async function main(): Promise<void> {
  const folderArg = process.argv[2];
  let emulator: Emulator | undefined;
  let emulatorHost = process.env.DEVGEM_EMULATOR_HOST;
  if (!emulatorHost && !hasGoogleCredentials()) {
    // The emulator prefixes its own lines with [emulator]. DEVGEM_EMULATOR_DOCKER (e.g. unix:///run/devgem-docker.sock): real builds and containers.
    emulator = await startEmulator({
      log: (line) => process.stderr.write(`${line.startsWith('[emulator]') ? line : `[emulator] ${line}`}\n`),
      docker: process.env.DEVGEM_EMULATOR_DOCKER || undefined,
    });
    emulatorHost = emulator.host;
    // Something for "Devgem: Deploy GitHub Repository…" to list offline: the sample, as a private repository.
    const sample = path.join(REPO, 'samples', 'hello-node');
    const files = await Promise.all(
      ['package.json', 'server.js', 'README.md'].map(async (f) => ({ path: f, content: await fs.readFile(path.join(sample, f), 'utf8') })),
    );
    emulator.github.seedRepo({
      fullName: 'devgem-demo/hello-github',
      private: true,
      description: "The hello-node sample, served by the emulator's GitHub",
      branches: { main: files },
      tags: { 'v1.0.0': files },
    });
  }

  // A copy of the sample, so deploys (which write a Dockerfile) leave the repo clean.
  let folder = folderArg ? path.resolve(folderArg) : path.join(RUN_DIR, 'workspace', 'hello-node');
  if (!folderArg && !existsSync(folder)) {
    await fs.cp(path.join(REPO, 'samples', 'hello-node'), folder, { recursive: true });
    initSampleRepository(folder);
  }
  folder = path.resolve(folder);

  await installExtension({ vsixPath: path.join(REPO, 'dist', 'devgem.vsix'), dataDir: RUN_DIR });
  const server = await startCodeServer({
    dataDir: RUN_DIR,
    folder,
    port: Number(process.env.DEVGEM_PORT) || 8090,
    env: emulatorHost ? { DEVGEM_EMULATOR_HOST: emulatorHost } : {},
    // With the emulator any project id works; with real credentials Devgem reads yours.
    settings: emulatorHost ? { 'devgem.project': 'devgem-demo', 'devgem.region': 'us-central1' } : {},
  });

  console.log('');
  console.log(`  Devgem is running in VS Code at: ${server.url}`);
  console.log(`  Workspace: ${folder}`);
  console.log(
    emulatorHost ? `  Google Cloud: local emulator at ${emulatorHost} (no credentials found)` : '  Google Cloud: your Application Default Credentials',
  );
  console.log('  Open the Devgem view in the activity bar and press Deploy. Ctrl+C stops everything.');
  console.log('');

  const stop = async () => {
    await server.stop();
    await emulator?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`Could not start Devgem: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
