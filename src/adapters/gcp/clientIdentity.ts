import { devgemVersion } from '../../core/base/version';

let version: string | undefined;

/**
 * Cloud Run's `client` and `clientVersion` fields (as gcloud and Cloud Code set
 * theirs): every service Devgem creates or updates says it was Devgem, which version.
 */
export function clientFields(): { client: string; clientVersion: string } {
  version ??= devgemVersion();
  return { client: 'devgem', clientVersion: version };
}
