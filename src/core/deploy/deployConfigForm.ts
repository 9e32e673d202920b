// The sidebar's "Deploy settings" form: reads .devgem/deploy.json for it and saves what
// it sends back, with the file's own validation (a bad value names its field and leaves
// the file as it was; a plain env value that looks like a secret is refused).
import { DevgemError } from '../base/errors';
import type { DeployConfigReply } from '../../shared/protocol';
import { DEPLOY_CONFIG_FILE, readDeployConfig, validateDeployConfig, writeDeployConfig } from './deployConfig';

/** The field a deployConfig.ts error names (`env.API_KEY` → `env`), if any. */
export function fieldOfError(message: string): string | undefined {
  const m = /^\.devgem\/deploy\.json: "([^"]+)"/.exec(message);
  return m ? m[1].split(/[.[]/)[0] : undefined;
}

function failure(err: unknown): DeployConfigReply {
  if (!(err instanceof DevgemError)) throw err;
  return { file: DEPLOY_CONFIG_FILE, error: { field: fieldOfError(err.message), message: err.message, fix: err.fix } };
}

const noFolder: DeployConfigReply = {
  file: DEPLOY_CONFIG_FILE,
  error: { message: 'No folder is open.', fix: 'Open the folder you deploy (File > Open Folder), then open Deploy settings again.' },
};

/** The folder's saved configuration for the form ({} when there is no file yet). */
export async function loadDeployConfigForm(root: string | undefined): Promise<DeployConfigReply> {
  if (!root) return noFolder;
  try {
    return { file: DEPLOY_CONFIG_FILE, config: (await readDeployConfig(root)) ?? {} };
  } catch (err) {
    return failure(err);
  }
}

/**
 * Replaces the file with the form's values once they pass the file's validation.
 * An unreadable file is not overwritten (the reply says what is wrong with it).
 */
export async function saveDeployConfigForm(root: string | undefined, raw: unknown): Promise<DeployConfigReply> {
  if (!root) return noFolder;
  try {
    await readDeployConfig(root);
    const config = validateDeployConfig(raw);
    return { file: DEPLOY_CONFIG_FILE, config: await writeDeployConfig(root, config), saved: true };
  } catch (err) {
    return failure(err);
  }
}
