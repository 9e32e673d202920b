// Cloud Run's locations API: GET /v1/projects/P/locations (the Locations mixin,
// https://cloud.google.com/run/docs/reference/rest/v1/projects.locations/list).
// The regions of https://cloud.google.com/run/docs/locations, with their city names.
import type { ServerResponse } from 'node:http';
import type { Context } from './context';
import { invalidArgument, sendJson, type Req } from './http';
import { assertServiceEnabled } from './serviceUsage';

const RUN_REGIONS: [string, string][] = [
  ['africa-south1', 'Johannesburg'],
  ['asia-east1', 'Taiwan'],
  ['asia-east2', 'Hong Kong'],
  ['asia-northeast1', 'Tokyo'],
  ['asia-northeast2', 'Osaka'],
  ['asia-northeast3', 'Seoul'],
  ['asia-south1', 'Mumbai'],
  ['asia-south2', 'Delhi'],
  ['asia-southeast1', 'Singapore'],
  ['asia-southeast2', 'Jakarta'],
  ['australia-southeast1', 'Sydney'],
  ['australia-southeast2', 'Melbourne'],
  ['europe-central2', 'Warsaw'],
  ['europe-north1', 'Finland'],
  ['europe-north2', 'Stockholm'],
  ['europe-southwest1', 'Madrid'],
  ['europe-west1', 'Belgium'],
  ['europe-west10', 'Berlin'],
  ['europe-west12', 'Turin'],
  ['europe-west2', 'London'],
  ['europe-west3', 'Frankfurt'],
  ['europe-west4', 'Netherlands'],
  ['europe-west6', 'Zurich'],
  ['europe-west8', 'Milan'],
  ['europe-west9', 'Paris'],
  ['me-central1', 'Doha'],
  ['me-central2', 'Dammam'],
  ['me-west1', 'Tel Aviv'],
  ['northamerica-northeast1', 'Montréal'],
  ['northamerica-northeast2', 'Toronto'],
  ['northamerica-south1', 'Querétaro'],
  ['southamerica-east1', 'São Paulo'],
  ['southamerica-west1', 'Santiago'],
  ['us-central1', 'Iowa'],
  ['us-east1', 'South Carolina'],
  ['us-east4', 'Northern Virginia'],
  ['us-east5', 'Columbus'],
  ['us-south1', 'Dallas'],
  ['us-west1', 'Oregon'],
  ['us-west2', 'Los Angeles'],
  ['us-west3', 'Salt Lake City'],
  ['us-west4', 'Las Vegas'],
];

/** Handles GET /v1/projects/P/locations with Google's paging (`pageSize`, `pageToken`); `seg` starts at 'projects'. */
export function handleRunLocations(ctx: Context, r: Req, res: ServerResponse, seg: string[]): boolean {
  if (!(seg.length === 3 && seg[2] === 'locations' && r.method === 'GET')) return false;
  const project = seg[1];
  assertServiceEnabled(ctx, project, 'run.googleapis.com');
  const size = Number(r.query.get('pageSize') ?? '0');
  const start = Number(r.query.get('pageToken') || '0');
  if (!Number.isInteger(start) || start < 0 || start > RUN_REGIONS.length) throw invalidArgument('Invalid page token.');
  const end = size > 0 ? Math.min(start + size, RUN_REGIONS.length) : RUN_REGIONS.length;
  const locations = RUN_REGIONS.slice(start, end).map(([id, city]) => ({
    name: `projects/${project}/locations/${id}`,
    locationId: id,
    displayName: city,
    labels: { 'cloud.googleapis.com/region': id },
  }));
  sendJson(res, 200, end < RUN_REGIONS.length ? { locations, nextPageToken: String(end) } : { locations });
  return true;
}
