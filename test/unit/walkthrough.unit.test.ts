// The Getting Started walkthrough: what package.json declares must exist (media,
// commands, context keys), and the state its steps complete on must be right.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectIdProblem } from '../../src/core/cloud/projectId';
import { SETUP_CONTEXT_KEYS, WALKTHROUGH_PULSE_KEY, adcFiles, findOnPath, readSetupState, type SetupInputs } from '../../src/core/setup/setupState';
import { localizedManifest } from '../support/manifest';
import { DEPLOY_STAGES, type DeployRecord, type DeployStage, type StageState } from '../../src/shared/protocol';

const ROOT = path.join(__dirname, '../../..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    walkthroughs: { id: string; title: string; steps: Step[] }[];
  };
}

const manifest = localizedManifest<Manifest>();
const source = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

describe('Getting Started walkthrough (package.json)', () => {
  const walkthrough = manifest.contributes.walkthroughs?.find((w) => w.id === 'devgem.gettingStarted');
  const steps = walkthrough?.steps ?? [];
  const commands = new Set(manifest.contributes.commands.map((c) => c.command));

  it('has the four steps in order, activating the extension when opened', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs has devgem.gettingStarted');
    assert.deepEqual(
      steps.map((s) => s.title),
      ['Sign in to Google Cloud', 'Choose project and region', 'Add a Gemini API key (optional)', 'Deploy your first app'],
    );
    assert.ok(manifest.activationEvents.includes('onWalkthrough:devgem.gettingStarted'), 'the context keys need the extension running');
  });

  it('points every step at an existing, non-empty Markdown file under media/walkthrough', () => {
    for (const step of steps) {
      const md = step.media.markdown ?? '';
      assert.ok(md.startsWith('media/walkthrough/') && md.endsWith('.md'), `${step.id}: ${md}`);
      const file = path.join(ROOT, md);
      assert.ok(existsSync(file), `${md} exists`);
      assert.ok(readFileSync(file, 'utf8').trim().length > 100, `${md} says something`);
    }
  });

  it('links buttons and onCommand events only to contributed commands, the new ones registered by walkthrough.ts', () => {
    const linked = steps.flatMap((s) => [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
    assert.deepEqual(linked, ['devgem.signIn', 'devgem.chooseProject', 'devgem.chooseRegion', 'devgem.setGeminiApiKey', 'devgem.deploy']);
    const onCommand = steps.flatMap((s) => (s.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)));
    for (const c of [...linked, ...onCommand]) assert.ok(commands.has(c), `${c} is in contributes.commands`);
    const registrar = source('src/adapters/vscode/setup/walkthrough.ts');
    for (const c of ['devgem.signIn', 'devgem.chooseProject', 'devgem.chooseRegion']) {
      assert.ok(registrar.includes(`registerCommand('${c}'`), `${c} is registered`);
      assert.equal(manifest.contributes.commands.find((x) => x.command === c)?.category, 'Devgem');
    }
    assert.match(source('src/extension.ts'), /registerWalkthrough\(\{ session, ports, folders[,} ]/, 'extension.ts wires the walkthrough');
  });

  it('completes steps on exactly the context keys the extension sets', () => {
    const plain = steps.map((s) => (s.completionEvents ?? []).filter((e) => /^onContext:[\w.]+$/.test(e)).map((e) => e.slice('onContext:'.length)));
    assert.deepEqual(plain, [['devgem.signedIn'], ['devgem.hasTarget'], ['devgem.aiConfigured'], ['devgem.hasDeployed']]);
    assert.deepEqual(plain.flat().sort(), Object.values(SETUP_CONTEXT_KEYS).sort());
    assert.deepEqual(steps[2].completionEvents?.slice(0, 2), ['onCommand:devgem.setGeminiApiKey', 'onContext:devgem.aiConfigured']);
  });

  it('also completes each step on KEY && pulse and KEY && !pulse, so a walkthrough opened after the key was set still ticks', () => {
    // VS Code marks an onContext expression already true when its walkthrough service starts as seen, without ticking the step.
    for (const step of steps) {
      const key = (step.completionEvents ?? []).find((e) => /^onContext:[\w.]+$/.test(e))!.slice('onContext:'.length);
      for (const variant of [`${key} && ${WALKTHROUGH_PULSE_KEY}`, `${key} && !${WALKTHROUGH_PULSE_KEY}`])
        assert.ok(step.completionEvents?.includes(`onContext:${variant}`), `${step.id}: onContext:${variant}`);
    }
    const host = source('src/adapters/vscode/setup/walkthrough.ts');
    assert.match(host, /setContext', WALKTHROUGH_PULSE_KEY/, 'the extension flips the pulse');
    assert.match(host, /tabGroups\.onDidChangeTabs/, 'when a tab (the walkthrough) opens');
  });
});

describe('project ID check for "Choose project"', () => {
  it('accepts project IDs, including domain-scoped ones', () => {
    for (const ok of ['my-project-123', 'abcdef', 'a'.repeat(30), 'example.com:my-project', '  my-project-123  '])
      assert.equal(projectIdProblem(ok), undefined, ok);
  });

  it('says what is wrong with anything else', () => {
    const cases: [string, RegExp][] = [
      ['', /Enter the project ID/],
      ['123456789012', /project number/],
      ['My Project', /lowercase and have no spaces/],
      ['short', /6 to 30 characters long \(this is 5\)/],
      ['a'.repeat(31), /6 to 30/],
      ['1-project', /starts with a lowercase letter/],
      ['my_project', /only lowercase letters, digits and hyphens/],
      ['my-project-', /cannot end with a hyphen/],
      ['example.com:BAD', /lowercase/],
    ];
    for (const [value, why] of cases) assert.match(projectIdProblem(value) ?? 'accepted', why, JSON.stringify(value));
  });
});

function stages(preflight: StageState['status']): Record<DeployStage, StageState> {
  return Object.fromEntries(DEPLOY_STAGES.map((s) => [s, { status: s === 'preflight' ? preflight : 'pending' }])) as Record<DeployStage, StageState>;
}

describe("setup state behind the walkthrough's context keys", () => {
  let dir: string;
  let config: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devgem-setup-'));
    config = path.join(dir, 'gcloud');
    await fs.mkdir(config);
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const inputs = (over: Partial<SetupInputs> = {}): SetupInputs => ({ env: {}, settings: {}, snapshot: {}, gcloudConfigDir: config, ...over });
  const record = (over: Partial<DeployRecord> = {}): DeployRecord => ({
    deployId: 'd',
    startedAt: 1,
    endedAt: 2,
    outcome: 'failed',
    stage: 'preflight',
    ...over,
  });

  it('is all false on a fresh machine', async () => {
    assert.deepEqual(await readSetupState(inputs()), { signedIn: false, hasTarget: false, aiConfigured: false, hasDeployed: false });
  });

  it("is signed in with an ADC file (gcloud's or GOOGLE_APPLICATION_CREDENTIALS), the emulator, or a passed preflight", async () => {
    assert.deepEqual(adcFiles({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }, config), ['/k.json', path.join(config, 'application_default_credentials.json')]);
    await fs.writeFile(path.join(config, 'application_default_credentials.json'), '{}');
    assert.equal((await readSetupState(inputs())).signedIn, true);
    await fs.rm(path.join(config, 'application_default_credentials.json'));

    const key = path.join(dir, 'sa.json');
    assert.equal((await readSetupState(inputs({ env: { GOOGLE_APPLICATION_CREDENTIALS: key } }))).signedIn, false, 'a path to nothing is not a sign-in');
    await fs.writeFile(key, '{}');
    assert.equal((await readSetupState(inputs({ env: { GOOGLE_APPLICATION_CREDENTIALS: key } }))).signedIn, true);
    assert.equal((await readSetupState(inputs({ env: { GOOGLE_APPLICATION_CREDENTIALS: dir } }))).signedIn, false, 'a folder is not a credentials file');

    assert.equal((await readSetupState(inputs({ emulatorHost: '127.0.0.1:8123' }))).signedIn, true);
    assert.equal((await readSetupState(inputs({ emulatorHost: '  ' }))).signedIn, false);
    const deploy = { deployId: 'd', workspace: '/w', startedAt: 1, stages: stages('done'), log: [], droppedLogLines: 0 };
    assert.equal((await readSetupState(inputs({ snapshot: { deploy } }))).signedIn, true);
    assert.equal((await readSetupState(inputs({ snapshot: { deploy: { ...deploy, stages: stages('failed') } } }))).signedIn, false);
    assert.equal((await readSetupState(inputs({ snapshot: { history: [record({ stages: stages('done'), stage: 'build' })] } }))).signedIn, true);
    assert.equal((await readSetupState(inputs({ snapshot: { history: [record({ stages: stages('failed') })] } }))).signedIn, false);
  });

  it('has a target when a valid project resolves from settings, environment or gcloud', async () => {
    assert.equal((await readSetupState(inputs({ settings: { project: 'my-project-123' } }))).hasTarget, true);
    assert.equal((await readSetupState(inputs({ settings: { project: 'Not A Project' } }))).hasTarget, false);
    assert.equal((await readSetupState(inputs({ settings: { project: 'my-project-123', region: 'nowhere' } }))).hasTarget, false);
    assert.equal((await readSetupState(inputs({ env: { GOOGLE_CLOUD_PROJECT: 'env-project' } }))).hasTarget, true);
    await fs.mkdir(path.join(config, 'configurations'));
    await fs.writeFile(path.join(config, 'configurations', 'config_default'), '[core]\nproject = gcloud-project\n');
    assert.equal((await readSetupState(inputs())).hasTarget, true);
  });

  it('knows AI is on from the agent mode and a first deploy from the history', async () => {
    const s = await readSetupState(inputs({ snapshot: { agent: { busy: false, mode: 'gemini' }, history: [record()] } }));
    assert.equal(s.aiConfigured, true);
    assert.equal(s.hasDeployed, true);
    assert.equal((await readSetupState(inputs({ snapshot: { agent: { busy: false, mode: 'offline' }, history: [] } }))).aiConfigured, false);
  });

  it('finds gcloud on PATH (with Windows extensions), or says it is missing', async () => {
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    assert.equal(await findOnPath('gcloud', { PATH: `${path.join(dir, 'none')}:${bin}` }, 'linux'), undefined);
    await fs.writeFile(path.join(bin, 'gcloud'), '#!/bin/sh\n');
    assert.equal(await findOnPath('gcloud', { PATH: `${path.join(dir, 'none')}:${bin}` }, 'linux'), path.join(bin, 'gcloud'));
    await fs.writeFile(path.join(bin, 'tool.cmd'), '');
    assert.equal(await findOnPath('tool', { Path: bin, PATHEXT: '.EXE;.CMD' }, 'win32'), path.join(bin, 'tool.cmd'));
    assert.equal(await findOnPath('gcloud', {}, 'linux'), undefined);
  });
});
