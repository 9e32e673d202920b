// The agent's `.env` import: the file is read and applied here, and only key
// names, destinations and secret ids go back to the model or the confirmation.
import * as path from 'node:path';
import { parseDotenv, type DotenvResult } from '../../env/dotenv';
import { applyEnvImport, describeForeignSecret, foreignSecrets, importChanges, importSummary, planEnvImport, type EnvImportItem } from '../../env/envImport';
import { originOf } from '../../deploy/origin';
import { rolloutEffect } from '../../env/envRollout';
import { devgemLabels } from '../../deploy/ownership';
import { ENV_NAME_PATTERN, looksSecret } from '../../env/envNames';
import { DevgemError } from '../../base/errors';
import type { ServiceRef } from '../../cloud/ports';
import { bounded } from '../../base/wait';
import { refText, resolveRef, type AgentContext } from '../context';
import type { JsonSchema } from '../model';
import { addKnownSecret } from '../../base/redact';
import type { AgentTool, ConfirmationDraft } from '../registry';
import { assertServiceUnchanged, assertStill, hashText, pinOf, serviceStamp, type ServicePin } from './pinned';
import { targetProps } from './serviceTools';

const CALL_MS = 60_000;
const KEYS: JsonSchema = { type: 'array', items: { type: 'string', pattern: ENV_NAME_PATTERN }, maxItems: 100 };

export interface ImportEnvArgs {
  path?: string;
  service?: string;
  region?: string;
  plain?: string[];
  secret?: string[];
}

/** `.env`, `.env.production`, `config/prod.env`: a workspace-relative env file, nothing else. */
export function envFilePath(raw: string | undefined): string {
  const given = raw ?? '.env';
  const clean = path.posix.normalize(given.replace(/\\/g, '/').replace(/^\.\/+/, ''));
  if (!clean || clean === '.' || clean === '..' || clean.startsWith('../') || path.posix.isAbsolute(clean) || /^[A-Za-z]:/.test(clean)) {
    throw new DevgemError('invalid-argument', `"${given}" is not a file inside the workspace.`, {
      fix: 'Give the path relative to the workspace, e.g. ".env" or "config/prod.env".',
    });
  }
  const name = clean.slice(clean.lastIndexOf('/') + 1);
  if (clean.split('/').some((p) => p === '.git' || p === 'node_modules') || !(name.startsWith('.env') || name.endsWith('.env'))) {
    throw new DevgemError('invalid-argument', `"${clean}" is not an env file: only files named .env, .env.* or *.env are imported.`);
  }
  return clean;
}

interface Loaded {
  file: string;
  ref: ServiceRef;
  parsed: DotenvResult;
  items: EnvImportItem[];
  /** Of the file's text, so the approval covers exactly the values it read. */
  hash: string;
}

/** What the card showed: the service as it was, the file's content, and the existing secrets it named. */
interface ImportPin extends ServicePin {
  hash: string;
  foreign: string[];
}

async function load(args: ImportEnvArgs, ctx: AgentContext, pinnedRef?: ServiceRef): Promise<Loaded> {
  const file = envFilePath(args.path);
  // The values go to Secret Manager, never into the conversation: the one read of a secret file.
  const text = await ctx.readWorkspaceFile(file, { secretFile: true });
  if (text === undefined)
    throw new DevgemError('not-found', `${file} does not exist in the workspace.`, {
      fix: 'Create it with KEY=value lines, or give the path of the env file.',
    });
  const parsed = parseDotenv(text);
  const keys = new Set(parsed.entries.map((e) => e.key));
  const unknown = [...(args.plain ?? []), ...(args.secret ?? [])].filter((k) => !keys.has(k));
  if (unknown.length)
    throw new DevgemError('invalid-argument', `${file} has no key ${unknown.join(', ')}.`, { fix: `Its keys are: ${[...keys].join(', ') || 'none'}.` });
  const both = (args.plain ?? []).filter((k) => args.secret?.includes(k));
  if (both.length) throw new DevgemError('invalid-argument', `${both.join(', ')} cannot be both plain and secret.`);
  const ref = pinnedRef ?? (await resolveRef(ctx, args));
  const items = planEnvImport(parsed, ref.service, { plain: args.plain, secret: args.secret });
  // Should any layer below echo a value (an SDK error, say), the redaction catches it.
  for (const i of items) if (i.target === 'secret') addKnownSecret(parsed.entries.find((e) => e.key === i.key)?.value);
  return { file, ref, parsed, items, hash: hashText(text) };
}

function destination(i: EnvImportItem, parsed: DotenvResult): string {
  if (i.target === 'secret') return `Secret Manager: ${i.secretId ?? ''}`;
  if (i.target === 'rejected') return `skipped: ${i.reason ?? 'refused'}`;
  const value = parsed.entries.find((e) => e.key === i.key)?.value ?? '';
  return looksSecret(i.key, value) ? 'plain env var (as asked, though it looks like a secret)' : 'plain env var';
}

export function importEnvTool(): AgentTool<ImportEnvArgs, AgentContext> {
  return {
    name: 'import_env_file',
    description:
      'Import a .env file of the workspace into a deployed service: keys that look secret (tokens, passwords, keys, connection strings) go to Secret Manager and the service references them; the others become plain env vars. You never see values, only key names and secret ids. Use plain/secret to override the classification of keys the user names.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 300, description: 'The env file, relative to the workspace. Default: .env' },
        ...targetProps,
        plain: { ...KEYS, description: 'Keys to set as plain env vars even though they look secret (only when the user says so).' },
        secret: { ...KEYS, description: 'Keys to put in Secret Manager even though they do not look secret.' },
      },
    },
    risk: 'write',
    confirmation: async (args, ctx, signal): Promise<ConfirmationDraft> => {
      const { file, ref, parsed, items, hash } = await load(args, ctx);
      const d = await bounded(`Reading service ${ref.service}`, CALL_MS, signal, (s) => ctx.cloud().runAdmin.describeService(ref, s));
      if (!d) throw new DevgemError('not-found', `There is no service ${refText(ref)}.`, { fix: 'Deploy the service first, then import its .env file.' });
      if (!items.some((i) => i.target !== 'rejected')) {
        throw new DevgemError('invalid-argument', `${file} has nothing to import.`, {
          fix: parsed.problems.length ? parsed.problems.map((p) => p.message).join('; ') : 'Add KEY=value lines.',
        });
      }
      const risks = importChanges(d.env, items, ref.service);
      const secrets = items.filter((i) => i.target === 'secret').length;
      const foreign = await foreignSecrets(ctx.cloud(), ref, items, signal);
      // The existing secrets Devgem did not create that the plan showed (so the click approved using them).
      const pin: ImportPin = { ref, stamp: serviceStamp(d), hash, foreign: foreign.map((f) => f.secretId) };
      return {
        pin,
        title: `Import ${file} into "${ref.service}"`,
        approveLabel: 'Import',
        details: [
          { label: 'Service', value: refText(ref) },
          ...items.map((i) => ({ label: i.key, value: destination(i, parsed) })),
          ...parsed.problems.map((p) => ({ label: `Line ${p.line}`, value: `not imported: ${p.message}` })),
          ...(parsed.duplicates.length ? [{ label: 'Duplicates', value: `${parsed.duplicates.join(', ')} (the last value counts)` }] : []),
          ...risks.map((r) => ({ label: 'Changes', value: r.message })),
          ...foreign.map((f) => ({
            label: 'Warning',
            value: `${describeForeignSecret(f)}. To keep it as it is, decline and import ${f.key} as plain or leave it out.`,
          })),
          ...(secrets
            ? [
                {
                  label: 'Access',
                  value: `roles/secretmanager.secretAccessor on each secret for the service's runtime account (${d.serviceAccount ?? 'the compute default'})`,
                },
              ]
            : []),
          { label: 'Effect', value: `${rolloutEffect(d.traffic, d.image)} Values are never shown.` },
        ],
      };
    },
    run: async (args, ctx, signal, pinned) => {
      const pin = pinOf<ImportPin>(pinned, 'import_env_file');
      const { file, ref, parsed, items, hash } = await load(args, ctx, pin.ref);
      assertStill(file, [hash !== pin.hash && 'its content was edited (the values you approved are not the ones it holds now)']);
      await assertServiceUnchanged(ctx, ref, pin.stamp, signal);
      // The confirmation listed every change the guard would stop at, and the user approved them.
      const origin = await originOf(ctx.deployOptions());
      const r = await applyEnvImport(ctx.cloud(), ref, parsed, items, {
        signal,
        approveRisky: true,
        // Only the existing secrets the plan named; one that appeared since is refused.
        takeOverSecrets: pin.foreign,
        labels: devgemLabels(origin.label),
      });
      return {
        data: {
          service: ref.service,
          file,
          created: r.created,
          newVersion: r.updated,
          unchanged: r.unchanged,
          plain: r.plain,
          skipped: items.filter((i) => i.target === 'rejected').map((i) => ({ key: i.key, reason: i.reason })),
          problems: parsed.problems.map((p) => p.message),
          serviceAccount: r.serviceAccount,
          revision: r.revision,
          servingRevision: r.rollout?.servingRevision,
          trafficPinned: r.rollout?.pinned ?? false,
          ...(r.rollout?.pinned ? { next: `send_traffic with revision ${r.revision} moves all traffic to it (the user confirms first)` } : {}),
        },
        summary: importSummary(r, file),
      };
    },
  };
}
