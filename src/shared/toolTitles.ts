// What a tool call is called where people read it (chat cards, @devgem's progress):
// words, not the function name the model calls.

const TITLES: Record<string, string> = {
  analyze_workspace: 'Analyze workspace',
  deploy_github_repo: 'Deploy GitHub repository',
  generate_dockerfile: 'Generate Dockerfile',
  get_changes_since_deploy: 'Changes since the last deploy',
  list_github_repos: 'List GitHub repositories',
  propose_fix: 'Propose a fix',
  rollback: 'Roll back',
  set_env_vars: 'Set env vars',
};

/** "list_revisions" -> "List revisions", "get_service_logs" -> "Service logs"; a name that is not an identifier is shown as it is. */
export function toolTitle(name: string): string {
  const known = TITLES[name];
  if (known) return known;
  if (!/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(name)) return name;
  const words = name.replace(/^get_/, '').split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
