// Where the emulator's front door applies the published contracts: which
// requests belong to an API with one, and what the handlers get afterwards.
import type { ServerResponse } from 'node:http';
import { ApiError, type Req } from '../http';
import { googleContracts } from './googleContracts';
import { NoBinding } from './googleErrors';
import { checkStorage } from './storageContract';

type Family = 'google' | 'storage';

/**
 * Cloud Run v2 and Logging v2 share `/v2/`; Cloud Build, Artifact Registry, Secret Manager and their
 * operations share `/v1/` with Resource Manager (`/v1/projects[/P[:verb]]`) and Service Usage
 * (`/v1/projects/P/services…`), whose protos the SDK packages do not ship.
 */
export function contractFamily(segments: string[]): Family | undefined {
  const [s0, s1] = segments;
  if ((s0 === 'storage' && s1 === 'v1') || (s0 === 'upload' && s1 === 'storage')) return 'storage';
  if (s0 === 'v2') return 'google';
  if (s0 === 'v1' && s1 === 'operations') return 'google';
  if (s0 === 'v1' && s1 === 'projects' && segments.length > 3 && !segments[3].startsWith('services')) return 'google';
  return undefined;
}

/** Loads Google's contracts now rather than on the first request (a few hundred milliseconds). */
export function preloadContracts(): void {
  googleContracts();
}

/**
 * Checks `r` against its API's contract and rewrites its query and body the way the API reads them.
 * Throws Google's 400; answers a URL no published binding matches with Google's HTML 404 and returns false.
 */
export function enforceContracts(r: Req, res: ServerResponse, log: (line: string) => void): boolean {
  const family = contractFamily(r.segments);
  if (!family) return true;
  try {
    if (family === 'storage') {
      checkStorage(r.method, r.rawPath, r.query, String(r.headers['content-type'] ?? ''), r.body);
      return true;
    }
    const checked = googleContracts().check(r.method, r.rawPath, r.query, r.body);
    r.query = checked.query;
    if (checked.body) r.body = checked.body;
    if (checked.ignored.length) log(`[contracts] ${r.method} ${r.rawPath}: ignored output-only ${checked.ignored.join(', ')}`);
    return true;
  } catch (e) {
    if (e instanceof NoBinding) {
      log(`[contracts] ${r.method} ${r.rawPath}: no published binding (404)`);
      const html = Buffer.from(e.html());
      res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': String(html.length) });
      res.end(html);
      return false;
    }
    if (e instanceof ApiError) log(`[contracts] ${r.method} ${r.rawPath}: ${e.code} ${e.message.split('\n')[0]}`);
    throw e;
  }
}
