// @google-cloud/logging's generated client lives in @google-cloud/logging-api
// (the package @google-cloud/logging itself re-exports it as `v2`). Requiring it
// directly keeps the handwritten half (gRPC writers, middleware) out of the bundle.
import type { LoggingServiceV2Client } from '@google-cloud/logging-api/build/src/v2/logging_service_v2_client.js';
import type { LogEntryInfo, LoggingPort, LogQuery, ServiceRef } from '../../core/cloud/ports';
import { call } from './gcpErrors';
import { entryInfo, serviceLogFilter } from './logEntries';

/** Cloud Logging answers at most this many entries per page. */
const MAX_PAGE = 1000;
/** Pages read at most: a page may come back short (the API stops at a time budget), but not forever. */
const MAX_PAGES = 5;

export class LoggingAdapter implements LoggingPort {
  constructor(private readonly client: () => Promise<LoggingServiceV2Client>) {}

  async readServiceLogs(opts: ServiceRef & LogQuery & { limit: number }, signal?: AbortSignal): Promise<LogEntryInfo[]> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(opts.limit)));
    const client = await this.client();
    const ctx = { what: `Reading the logs of ${opts.service}`, project: opts.project, role: 'roles/logging.viewer', api: 'logging.googleapis.com' };
    const request = { resourceNames: [`projects/${opts.project}`], filter: serviceLogFilter(opts), orderBy: 'timestamp desc' };
    const newestFirst: LogEntryInfo[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES && newestFirst.length < limit; page++) {
      const [entries, , response] = await call(ctx, () =>
        client.listLogEntries({ ...request, pageSize: limit - newestFirst.length, pageToken }, { autoPaginate: false, signal }),
      );
      newestFirst.push(...entries.map(entryInfo));
      pageToken = response?.nextPageToken || undefined;
      if (!pageToken) break;
    }
    return newestFirst.slice(0, limit).reverse();
  }
}
