import type { AuthClient } from 'google-auth-library';

/** Where the Google Cloud clients talk to: Google, or a local emulator. */
export interface GcpConfig {
  /** `127.0.0.1:PORT` of the local Cloud emulator; unset means Google's endpoints. */
  emulatorHost?: string;
  /** One Cloud Storage HTTP request's limit before it is tried again (a hung upload chunk resumes, a hung bucket lookup is sent again); 60 s when absent. */
  storageRequestTimeoutMs?: number;
  /** Resumable upload chunk size (a multiple of 256 KiB); 8 MiB when absent. */
  uploadChunkBytes?: number;
}

export interface ClientSetup {
  /** Options for every gax (Run, Cloud Build, Artifact Registry) client. */
  gax: Record<string, unknown>;
  /** Options for the Storage client (besides projectId). */
  storage: Record<string, unknown>;
  authClient: AuthClient;
  emulated: boolean;
}

/** Accepts `host:port`, `http://host:port` and rejects anything else, clearly. */
export function parseEmulatorHost(value: string): { host: string; port: number } {
  const m = /^(?:https?:\/\/)?([^/:]+):(\d{1,5})\/?$/.exec(value.trim());
  if (!m) throw new Error(`DEVGEM_EMULATOR_HOST must look like 127.0.0.1:8090, not "${value}".`);
  return { host: m[1], port: Number(m[2]) };
}

/** `http://host:port` of the emulator, which serves every API on its one port; undefined for Google. */
export function emulatorBaseUrl(config: GcpConfig): string | undefined {
  if (!config.emulatorHost) return undefined;
  const { host, port } = parseEmulatorHost(config.emulatorHost);
  return `http://${host}:${port}`;
}

/** Loaded lazily: google-auth-library is only needed once a deploy starts. */
export async function clientSetup(config: GcpConfig): Promise<ClientSetup> {
  const { GoogleAuth, OAuth2Client } = require('google-auth-library') as typeof import('google-auth-library');
  if (config.emulatorHost) {
    const { host, port } = parseEmulatorHost(config.emulatorHost);
    // The emulator takes any token; a preset one avoids probing the metadata server.
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 24 * 3600e3 });
    return {
      gax: { fallback: true, apiEndpoint: host, port, protocol: 'http', authClient },
      storage: { apiEndpoint: emulatorBaseUrl(config), authClient, useAuthWithCustomEndpoint: true },
      authClient,
      emulated: true,
    };
  }
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const authClient = await auth.getClient();
  // REST fallback keeps the bundle free of proto files and gRPC's native bits at run time.
  return { gax: { fallback: true, authClient }, storage: { authClient }, authClient, emulated: false };
}
