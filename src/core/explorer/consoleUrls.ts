// "Open in Cloud Console": the console.cloud.google.com page of a Cloud Run
// service, its revisions, or a Cloud Build build. Every part is escaped, so a
// name from Cloud Run cannot change where the link goes.
import type { ServiceRef } from '../cloud/ports';

const CONSOLE = 'https://console.cloud.google.com';
const q = (project: string) => `?project=${encodeURIComponent(project)}`;
const seg = encodeURIComponent;

export type ConsoleTarget =
  | { kind: 'service'; ref: ServiceRef }
  | { kind: 'revision'; ref: ServiceRef; revision: string }
  | { kind: 'build'; project: string; region?: string; buildId: string };

/** The Cloud Console page of `t`. */
export function cloudConsoleUrl(t: ConsoleTarget): string {
  switch (t.kind) {
    case 'service':
      return `${CONSOLE}/run/detail/${seg(t.ref.region)}/${seg(t.ref.service)}/metrics${q(t.ref.project)}`;
    case 'revision':
      // The console has no page per revision: the service's Revisions tab, where it is listed.
      return `${CONSOLE}/run/detail/${seg(t.ref.region)}/${seg(t.ref.service)}/revisions${q(t.ref.project)}`;
    case 'build':
      // A regional build's page names its region; a global build's does not.
      return t.region && t.region !== 'global'
        ? `${CONSOLE}/cloud-build/builds;region=${seg(t.region)}/${seg(t.buildId)}${q(t.project)}`
        : `${CONSOLE}/cloud-build/builds/${seg(t.buildId)}${q(t.project)}`;
  }
}
