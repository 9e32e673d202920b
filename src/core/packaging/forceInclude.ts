import ignore from 'ignore';

/**
 * The user's explicit `include` list (relative paths or gitignore-style globs):
 * what it matches is uploaded even when the ignore rules, the built-in
 * exclusions or the secret patterns would leave it out. `.git` stays out.
 */
export class ForceInclude {
  private readonly matcher = ignore({ allowRelativePaths: true });
  /** Literal folder prefixes (`dist/`) of patterns that name a folder path, to know which excluded folders to open. */
  private readonly prefixes: string[] = [];

  constructor(patterns: readonly string[]) {
    for (const raw of patterns) {
      const pattern = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '');
      if (!pattern || pattern.startsWith('#') || pattern.startsWith('!')) continue;
      this.matcher.add(pattern);
      const anchored = pattern.replace(/^\//, '');
      const glob = anchored.search(/[*?[]/);
      const literal = glob < 0 ? anchored : anchored.slice(0, glob);
      const lastSlash = literal.lastIndexOf('/');
      // A pattern without an inner slash (`*.pem`) matches at any depth; it
      // includes files in folders the walk enters but opens no excluded folder,
      // or `*.pem` alone would walk all of node_modules.
      if (lastSlash > 0 && anchored.indexOf('/') < anchored.length - 1) this.prefixes.push(literal.slice(0, lastSlash + 1));
    }
  }

  /** Whether the user asked for this path (or a folder above it). */
  matches(relPath: string, isDir: boolean): boolean {
    return this.matcher.ignores(isDir ? `${relPath}/` : relPath);
  }

  /** Whether an excluded folder must still be walked because an include pattern points inside it. */
  reachesInto(relDir: string): boolean {
    if (this.matches(relDir, true)) return true;
    const dir = `${relDir}/`;
    return this.prefixes.some((p) => p.startsWith(dir) || dir.startsWith(p));
  }
}
