// Word-level pieces more than one intent parser reads requests with.

export const REGION = /^[a-z]+-[a-z]+\d+$/;
/** A bare word is only taken as a region when it starts like one; "web-app1" could be a service. */
export const KNOWN_REGION = /^(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-[a-z]+\d+$/i;

/** Words, with "quoted phrases" kept whole (folder names may have spaces). */
export function tokenize(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|'([^']*)'|([^\s,]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}
