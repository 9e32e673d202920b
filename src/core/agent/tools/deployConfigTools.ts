// The chat's way to change the saved per-app deploy configuration (.devgem/deploy.json):
// a write tool whose plan shows each field before → after; the file never holds a secret value.
import { DevgemError } from '../../base/errors';
import {
  DEPLOY_CONFIG_FILE,
  INGRESS_VALUES,
  deployConfigChanges,
  mergeDeployConfig,
  parseDeployConfig,
  serializeDeployConfig,
  type DeployConfig,
  type DeployConfigChange,
} from '../../deploy/deployConfig';
import type { AgentContext } from '../context';
import type { JsonSchema } from '../model';
import type { AgentTool, ConfirmationDraft } from '../registry';
import { assertStill, hashText, pinOf } from './pinned';

export type SaveDeployConfigArgs = DeployConfigChange;

const text = (description: string, extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'string', maxLength: 300, description, ...extra });
const whole = (description: string, minimum: number, maximum: number): JsonSchema => ({ type: 'integer', minimum, maximum, description });
const envMap = (description: string): JsonSchema => ({
  type: 'object',
  description,
  maxProperties: 100,
  additionalProperties: { type: 'string', maxLength: 4096 },
});

const PARAMETERS: JsonSchema = {
  type: 'object',
  // One property for each field of the file: a field added to DeployConfigData and not here fails to compile.
  properties: {
    app: text('The app to deploy: a folder relative to the workspace folder ("" for the root app).'),
    service: text('Cloud Run service name.'),
    region: text('Cloud Run region, e.g. "europe-west1".'),
    cpu: text('CPU limit, e.g. "1", "2", "500m".'),
    memory: text('Memory limit, e.g. "512Mi", "2Gi".'),
    minInstances: whole('Instances kept warm.', 0, 1000),
    maxInstances: whole('Most instances.', 1, 1000),
    concurrency: whole('Requests one instance serves at once.', 1, 1000),
    timeoutSeconds: whole('Request timeout in seconds.', 1, 3600),
    ingress: { type: 'string', enum: ['', ...INGRESS_VALUES], description: 'Who may reach the service ("" removes the setting).' },
    serviceAccount: text('Service account email the revision runs as.'),
    env: envMap('The whole set of plain, non-secret env vars to save (replaces the saved set; {} removes it). Never a secret value.'),
    secrets: envMap('The whole set of env vars read from Secret Manager: name to secret name ("name" or "name:version"). Never the secret value.'),
    vpcConnector: text('Serverless VPC Access connector name.'),
    cloudSqlInstances: {
      type: 'array',
      maxItems: 10,
      items: { type: 'string', maxLength: 200 },
      description: 'Cloud SQL connection names (project:region:instance).',
    },
  } satisfies Record<keyof DeployConfig, JsonSchema>,
};

async function current(ctx: AgentContext): Promise<{ before: DeployConfig; exists: boolean; hash: string }> {
  // A bad file throws here (naming the field), before anything is planned or written.
  const source = await ctx.readWorkspaceFile(DEPLOY_CONFIG_FILE);
  return { before: source === undefined ? {} : parseDeployConfig(source), exists: source !== undefined, hash: hashText(source) };
}

function normalized(args: SaveDeployConfigArgs): DeployConfigChange {
  const change: DeployConfigChange = { ...args };
  // An empty object or list removes the field, as "" does.
  for (const k of ['env', 'secrets'] as const) if (change[k] && !Object.keys(change[k] as object).length) change[k] = undefined;
  if (Array.isArray(change.cloudSqlInstances) && !change.cloudSqlInstances.length) change.cloudSqlInstances = undefined;
  return change;
}

async function plan(args: SaveDeployConfigArgs, ctx: AgentContext) {
  if (!Object.keys(args).length) throw new DevgemError('invalid-argument', 'Name at least one setting to save.');
  const { before, exists, hash } = await current(ctx);
  const after = mergeDeployConfig(before, normalized(args));
  return { before, after, exists, hash, lines: deployConfigChanges(before, after) };
}

export function saveDeployConfigTool(): AgentTool<SaveDeployConfigArgs, AgentContext> {
  return {
    name: 'save_deploy_config',
    description: `Change the saved deploy configuration of this workspace folder (${DEPLOY_CONFIG_FILE}, checked in with the code): which app to deploy and its Cloud Run service settings, applied on every deploy. Give only the fields to change; "" removes one. Plain env values must not be secrets: reference Secret Manager secrets under "secrets".`,
    parameters: PARAMETERS,
    risk: 'write',
    async confirmation(args, ctx): Promise<ConfirmationDraft> {
      const { lines, exists, hash } = await plan(args, ctx);
      return {
        pin: hash,
        title: `${exists ? 'Update' : 'Create'} ${DEPLOY_CONFIG_FILE}`,
        details: lines.length ? lines : [{ label: 'No change', value: 'the file already says this' }],
        approveLabel: 'Save',
      };
    },
    async run(args, ctx, _signal, pinned) {
      const { after, lines, hash, exists } = await plan(args, ctx);
      // The file the card's before → after was read from: an edit meanwhile would be lost under the approved merge.
      const shown = pinOf<string>(pinned, 'save_deploy_config');
      assertStill(DEPLOY_CONFIG_FILE, [hash !== shown && (shown === hashText(undefined) ? 'it was created' : exists ? 'it was edited' : 'it was deleted')]);
      if (lines.length) await ctx.writeWorkspaceFile(DEPLOY_CONFIG_FILE, serializeDeployConfig(after));
      return {
        data: { file: DEPLOY_CONFIG_FILE, saved: after, changed: lines.map((l) => l.label) },
        summary: lines.length ? `Saved ${lines.map((l) => l.label).join(', ')} in ${DEPLOY_CONFIG_FILE}` : `${DEPLOY_CONFIG_FILE} unchanged`,
      };
    },
  };
}
