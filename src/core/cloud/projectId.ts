/**
 * Why `value` is not a Google Cloud project ID, in words a person can act on;
 * undefined when it is one. Google's rule: 6–30 characters, lowercase letters,
 * digits and hyphens, starting with a letter and not ending with a hyphen.
 * Older domain-scoped IDs (`example.com:my-project`) are accepted too.
 */
export function projectIdProblem(value: string): string | undefined {
  const id = value.trim();
  if (!id) return 'Enter the project ID, e.g. my-project-123.';
  const colon = id.lastIndexOf(':');
  if (colon > 0 && /^[a-z0-9.-]+\.[a-z]{2,}$/.test(id.slice(0, colon))) return projectIdProblem(id.slice(colon + 1));
  if (/^\d+$/.test(id)) return 'That looks like a project number; enter the project ID (letters, digits and hyphens, e.g. my-project-123).';
  if (/[A-Z\s]/.test(id)) return 'Project IDs are lowercase and have no spaces. Is this the project name? Enter its ID (e.g. my-project-123).';
  if (id.length < 6 || id.length > 30) return `Project IDs are 6 to 30 characters long (this is ${id.length}).`;
  if (!/^[a-z]/.test(id)) return 'A project ID starts with a lowercase letter.';
  if (!/^[a-z0-9-]+$/.test(id)) return 'A project ID has only lowercase letters, digits and hyphens.';
  if (id.endsWith('-')) return 'A project ID cannot end with a hyphen.';
  return undefined;
}
