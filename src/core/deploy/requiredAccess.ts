// What a deploy needs on the project, in one place: the preflight checks
// these, and README.md's IAM section lists the same roles (a unit test holds
// the two together).

export interface RequiredApi {
  name: string;
  title: string;
}

/** APIs every deploy calls. */
export const REQUIRED_APIS: readonly RequiredApi[] = [
  { name: 'run.googleapis.com', title: 'Cloud Run Admin API' },
  { name: 'cloudbuild.googleapis.com', title: 'Cloud Build API' },
  { name: 'artifactregistry.googleapis.com', title: 'Artifact Registry API' },
  { name: 'storage.googleapis.com', title: 'Cloud Storage API' },
];

/** Only needed when the deploy reads env vars from Secret Manager (`runtime.secrets`). */
export const SECRETS_API: RequiredApi = { name: 'secretmanager.googleapis.com', title: 'Secret Manager API' };

/** Lets the caller enable an API itself, so Devgem can offer to do it. */
export const ENABLE_PERMISSION = 'serviceusage.services.enable';

export interface RequiredRole {
  role: string;
  /** Why Devgem needs it, as the README says it. */
  why: string;
  /**
   * Project permissions of this role a deploy cannot do without; the
   * preflight tests exactly these. Empty: listed for the user, not checked
   * (e.g. only the chat needs it).
   */
  permissions: readonly string[];
}

export const REQUIRED_ROLES: readonly RequiredRole[] = [
  {
    role: 'roles/run.admin',
    why: 'which includes making the service public',
    permissions: ['run.services.get', 'run.services.create', 'run.services.update', 'run.services.setIamPolicy'],
  },
  { role: 'roles/cloudbuild.builds.editor', why: 'to start and follow the build', permissions: ['cloudbuild.builds.create', 'cloudbuild.builds.get'] },
  {
    role: 'roles/artifactregistry.admin',
    why: 'to create the `devgem` repository the first time; `roles/artifactregistry.writer` is enough after that',
    permissions: ['artifactregistry.repositories.get'],
  },
  {
    role: 'roles/storage.admin',
    why: 'to create the source bucket the first time; `roles/storage.objectAdmin` is enough after that',
    permissions: ['storage.objects.create', 'storage.objects.get'],
  },
  { role: 'roles/iam.serviceAccountUser', why: 'to deploy as the runtime service account', permissions: ['iam.serviceAccounts.actAs'] },
  { role: 'roles/logging.viewer', why: 'for the chat to read service logs', permissions: [] },
  { role: 'roles/secretmanager.admin', why: 'only for the .env import, to create secrets, add versions and let the service read them', permissions: [] },
  { role: 'roles/aiplatform.user', why: 'only if the chat uses Gemini through Vertex AI', permissions: [] },
];

/** The role to grant for a missing permission (the first role above that lists it). */
export function roleFor(permission: string): string {
  return REQUIRED_ROLES.find((r) => r.permissions.includes(permission))?.role ?? 'roles/editor';
}

/** Every permission a deploy needs, in the order of REQUIRED_ROLES. */
export function requiredPermissions(): string[] {
  return REQUIRED_ROLES.flatMap((r) => r.permissions);
}

/**
 * What Cloud Build's service account does during a build: write its log,
 * push the image, read the uploaded source. `roles/run.builder` holds all
 * three; each entry lists the narrower roles that also do.
 */
export const BUILD_SA_NEEDS: readonly { role: string; alsoBy: readonly string[] }[] = [
  { role: 'roles/logging.logWriter', alsoBy: ['roles/logging.admin'] },
  { role: 'roles/artifactregistry.writer', alsoBy: ['roles/artifactregistry.repoAdmin', 'roles/artifactregistry.admin'] },
  { role: 'roles/storage.objectViewer', alsoBy: ['roles/storage.objectUser', 'roles/storage.objectAdmin', 'roles/storage.admin'] },
];

/** Roles that cover everything the build service account needs. */
export const BUILD_SA_FULL_ROLES: readonly string[] = ['roles/run.builder', 'roles/cloudbuild.builds.builder', 'roles/editor', 'roles/owner'];

/** The default build service accounts: the Compute Engine one on projects made since mid-2024, Cloud Build's own on older ones. */
export function buildServiceAccounts(projectNumber: string): { current: string; legacy: string } {
  return { current: `${projectNumber}-compute@developer.gserviceaccount.com`, legacy: `${projectNumber}@cloudbuild.gserviceaccount.com` };
}
