// Google's contracts for Cloud Run v2, Cloud Build v1, Artifact Registry v1,
// Secret Manager v1, Cloud Logging v2, their long-running operations and the
// Locations mixin (Cloud Run's `GET /v1/projects/P/locations`), read
// once per process from the SDK packages installed beside the emulator.
import { join } from 'node:path';
import { API_SOURCES, apiBindings, type ApiSource } from './httpBindings';
import { loadProtoTable, packageDir } from './protoTable';
import { ContractChecker } from './requestCheck';

// Shared protos (operations, IAM policies, google.rpc.Status, …) whose .proto text google-gax ships.
const GAX_PROTO_DIRS = ['google/longrunning', 'google/iam/v1', 'google/rpc', 'google/type', 'google/logging/type', 'google/cloud/location'];
/** The Locations mixin the generated clients get from google-gax (`client.listLocationsAsync`). */
const LOCATIONS: ApiSource = { pkg: 'google-gax', protoPackages: ['google.cloud.location'], lroClients: [] };

let cached: ContractChecker | undefined;

export function googleContracts(): ContractChecker {
  if (cached) return cached;
  const dirs = API_SOURCES.map((s) => packageDir(s.pkg));
  const gax = packageDir('google-gax', dirs[0]);
  const table = loadProtoTable(
    [...dirs.map((d) => join(d, 'build/protos/protos.json')), join(gax, 'build/protos/locations.json')],
    [...dirs.map((d) => join(d, 'build/protos')), ...GAX_PROTO_DIRS.map((p) => join(gax, 'build/protos', p))],
  );
  cached = new ContractChecker(table, [...API_SOURCES.flatMap((s, i) => apiBindings(table, s, dirs[i])), ...apiBindings(table, LOCATIONS, gax)]);
  return cached;
}
