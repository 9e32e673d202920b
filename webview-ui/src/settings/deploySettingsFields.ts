import { INGRESS_VALUES, type DeployConfigData } from '../../../src/shared/protocol';

// The form's fields and how their text maps to .devgem/deploy.json values and back.
// The form only shapes the values (numbers, NAME=value lines); the host checks them
// with the file's own validation and names the field that is wrong.

export type FieldKey = keyof DeployConfigData;
export type FieldKind = 'text' | 'number' | 'ingress' | 'map' | 'list';

export interface FieldSpec {
  key: FieldKey;
  label: string;
  kind: FieldKind;
  placeholder?: string;
  hint?: string;
}

export const INGRESS_CHOICES: readonly string[] = ['', ...INGRESS_VALUES];

export const FIELDS: FieldSpec[] = [
  { key: 'app', label: 'App folder', kind: 'text', placeholder: 'apps/api', hint: 'Which app of the folder to deploy (empty: the folder itself, or ask).' },
  { key: 'service', label: 'Service name', kind: 'text', placeholder: 'api' },
  { key: 'region', label: 'Region', kind: 'text', placeholder: 'europe-west1' },
  { key: 'cpu', label: 'CPU', kind: 'text', placeholder: '1' },
  { key: 'memory', label: 'Memory', kind: 'text', placeholder: '512Mi' },
  { key: 'minInstances', label: 'Min instances', kind: 'number', placeholder: '0' },
  { key: 'maxInstances', label: 'Max instances', kind: 'number', placeholder: '3' },
  { key: 'concurrency', label: 'Concurrency', kind: 'number', placeholder: '80' },
  { key: 'timeoutSeconds', label: 'Request timeout (seconds)', kind: 'number', placeholder: '300' },
  { key: 'ingress', label: 'Ingress', kind: 'ingress' },
  { key: 'serviceAccount', label: 'Service account', kind: 'text', placeholder: 'NAME@PROJECT.iam.gserviceaccount.com' },
  { key: 'vpcConnector', label: 'VPC connector', kind: 'text', placeholder: 'my-connector' },
  { key: 'cloudSqlInstances', label: 'Cloud SQL instances', kind: 'list', placeholder: 'project:region:instance', hint: 'One connection name a line.' },
  { key: 'env', label: 'Environment variables', kind: 'map', placeholder: 'LOG_LEVEL=info', hint: 'NAME=value a line; plain values only, never a secret.' },
  {
    key: 'secrets',
    label: 'Secrets (Secret Manager)',
    kind: 'map',
    placeholder: 'DB_PASSWORD=db-password:latest',
    hint: 'NAME=secret or NAME=secret:version a line: the secret\u2019s name, never its value.',
  },
];

/** A field's text for a saved value. */
export function toText(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (spec.kind === 'map' && typeof value === 'object')
    return Object.entries(value as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
  if (spec.kind === 'list' && Array.isArray(value)) return value.join('\n');
  return String(value);
}

export class FormProblem extends Error {
  constructor(
    readonly field: FieldKey,
    message: string,
  ) {
    super(message);
  }
}

/** The value to send for a field's text; undefined leaves the field out. Throws FormProblem for a line it cannot read. */
export function fromText(spec: FieldSpec, text: string): unknown {
  const t = text.trim();
  if (!t) return undefined;
  switch (spec.kind) {
    case 'number':
      // Anything else goes as typed: the host says what the field takes.
      return /^-?\d+$/.test(t) ? Number(t) : t;
    case 'list':
      return t
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    case 'map': {
      const out: Record<string, string> = {};
      t.split('\n').forEach((line, i) => {
        if (!line.trim()) return;
        const eq = line.indexOf('=');
        if (eq <= 0) throw new FormProblem(spec.key, `${spec.label}: line ${i + 1} must be NAME=value.`);
        out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      });
      return Object.keys(out).length ? out : undefined;
    }
    default:
      return t;
  }
}
