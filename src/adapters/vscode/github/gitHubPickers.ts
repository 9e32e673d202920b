import * as vscode from 'vscode';
import { parseRepoName, type GitHubPort, type GitHubRef, type GitHubRepo } from '../../../core/github/gitHubPort';

const SEARCH_DEBOUNCE_MS = 300;
const LIST_LIMIT = 100;
const SEARCH_LIMIT = 30;

export interface PickedRepo {
  owner: string;
  name: string;
  /** Known when picked from a list; a pasted name is looked up afterwards. */
  repo?: GitHubRepo;
}

interface RepoItem extends vscode.QuickPickItem {
  repoChoice?: PickedRepo;
}

function repoItem(r: GitHubRepo, alwaysShow: boolean): RepoItem {
  return {
    label: `${r.private ? '$(lock)' : '$(repo)'} ${r.fullName}`,
    description: r.private ? 'private' : undefined,
    detail: r.description,
    alwaysShow,
    repoChoice: { owner: r.owner, name: r.name, repo: r },
  };
}

const nameOf = (i: RepoItem) => i.repoChoice?.repo?.fullName.toLowerCase();

function errorItem(err: unknown): RepoItem {
  return { label: `$(warning) ${err instanceof Error ? err.message : String(err)}`, alwaysShow: true };
}

/**
 * Step 1: the user's repositories (most recently updated first), searched on
 * GitHub as they type (debounced), or an owner/name or URL they paste.
 * Undefined when dismissed.
 */
export function pickRepo(port: GitHubPort): Promise<PickedRepo | undefined> {
  const qp = vscode.window.createQuickPick<RepoItem>();
  qp.title = 'Deploy GitHub Repository (1/2)';
  qp.placeholder = 'Pick a repository, type to search GitHub, or paste owner/name or a github.com URL';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.ignoreFocusOut = true;
  const life = new AbortController();
  let mine: RepoItem[] = [];
  let hits: RepoItem[] = [];
  let searching: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    const typed = qp.value.trim();
    const pasted = parseRepoName(typed);
    const known = new Set(mine.map(nameOf));
    const pastedName = pasted && `${pasted.owner}/${pasted.name}`.toLowerCase();
    const pastedItem: RepoItem[] =
      pasted && !known.has(pastedName)
        ? [{ label: `$(github) ${pasted.owner}/${pasted.name}`, description: 'deploy this repository', alwaysShow: true, repoChoice: pasted }]
        : [];
    const extra = hits.filter((h) => !nameOf(h) || !known.has(nameOf(h)));
    qp.items = [
      ...pastedItem,
      // A pasted URL does not fuzzy-match its own "owner/name" label: show that repository anyway.
      ...mine.map((i) => (pastedName && nameOf(i) === pastedName ? { ...i, alwaysShow: true } : i)),
      ...(extra.length ? [{ label: 'Search results', kind: vscode.QuickPickItemKind.Separator } as RepoItem, ...extra] : []),
    ];
  };

  qp.busy = true;
  port
    .listRepos(LIST_LIMIT, life.signal)
    .then(
      (repos) => {
        mine = repos.map((r) => repoItem(r, false));
        render();
      },
      (err: unknown) => {
        if (life.signal.aborted) return;
        mine = [errorItem(err)];
        render();
      },
    )
    .finally(() => {
      if (!searching) qp.busy = false;
    });

  qp.onDidChangeValue(() => {
    clearTimeout(timer);
    searching?.abort();
    searching = undefined;
    hits = [];
    render();
    const query = qp.value.trim();
    if (query.length < 2 || parseRepoName(query)) return;
    timer = setTimeout(() => {
      const mineSearch = new AbortController();
      searching = mineSearch;
      qp.busy = true;
      port
        .searchRepos(query, SEARCH_LIMIT, mineSearch.signal)
        .then(
          (repos) => {
            if (searching !== mineSearch) return;
            hits = repos.map((r) => repoItem(r, true));
            render();
          },
          (err: unknown) => {
            if (searching !== mineSearch) return;
            hits = [errorItem(err)];
            render();
          },
        )
        .finally(() => {
          if (searching === mineSearch) {
            searching = undefined;
            qp.busy = false;
          }
        });
    }, SEARCH_DEBOUNCE_MS);
  });

  return new Promise<PickedRepo | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.repoChoice;
      if (!picked) return; // a warning line: keep the picker open
      resolve(picked);
      qp.hide();
    });
    qp.onDidHide(() => {
      clearTimeout(timer);
      searching?.abort();
      life.abort();
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

interface RefItem extends vscode.QuickPickItem {
  ref?: string;
}

/** Orders refs for the picker: the default branch first, then the other branches, then tags. */
export function orderRefs(refs: GitHubRef[], defaultBranch: string): GitHubRef[] {
  const rank = (r: GitHubRef) => (r.kind === 'branch' && r.name === defaultBranch ? 0 : r.kind === 'branch' ? 1 : 2);
  return [...refs].sort((a, b) => rank(a) - rank(b));
}

/** Step 2: a branch or tag (default branch first), or a commit SHA typed in. Undefined when dismissed. */
export function pickRef(port: GitHubPort, repo: GitHubRepo): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<RefItem>();
  qp.title = `Deploy ${repo.fullName} (2/2)`;
  qp.placeholder = 'Pick a branch or tag, or type a commit SHA';
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  const life = new AbortController();
  let items: RefItem[] = [{ label: `$(git-branch) ${repo.defaultBranch}`, description: 'default branch', ref: repo.defaultBranch }];
  const render = () => {
    const typed = qp.value.trim();
    const sha = /^[0-9a-f]{7,40}$/i.test(typed) ? [{ label: `$(git-commit) ${typed}`, description: 'commit', alwaysShow: true, ref: typed }] : [];
    qp.items = [...sha, ...items];
  };
  qp.busy = true;
  render();
  port
    .listRefs(repo.owner, repo.name, life.signal)
    .then(
      (refs) => {
        const ordered = orderRefs(refs, repo.defaultBranch);
        const firstTag = ordered.findIndex((r) => r.kind === 'tag');
        items = ordered.flatMap((r, i): RefItem[] => [
          ...(i === firstTag ? [{ label: 'Tags', kind: vscode.QuickPickItemKind.Separator }] : []),
          {
            label: `${r.kind === 'tag' ? '$(tag)' : '$(git-branch)'} ${r.name}`,
            description: `${r.kind === 'branch' && r.name === repo.defaultBranch ? 'default branch · ' : ''}${r.sha.slice(0, 7)}`,
            ref: r.name,
          },
        ]);
        render();
      },
      (err: unknown) => {
        if (life.signal.aborted) return;
        items = [...items, { label: `$(warning) ${err instanceof Error ? err.message : String(err)}`, alwaysShow: true }];
        render();
      },
    )
    .finally(() => {
      qp.busy = false;
    });
  qp.onDidChangeValue(render);
  return new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const ref = qp.selectedItems[0]?.ref;
      if (!ref) return;
      resolve(ref);
      qp.hide();
    });
    qp.onDidHide(() => {
      life.abort();
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
