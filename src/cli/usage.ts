/** What `devgem --help` prints, and what follows every usage error. */
export const USAGE = `Usage: devgem <command> [options]

Commands:
  analyze [dir] [--json]            What Devgem finds in dir (default: .): apps, stack, port, start, with evidence.
  dockerfile [dir] [--app PATH]     The Dockerfile Devgem would build the app with (the first app, or PATH).
  package [dir] --out FILE          Write the source tarball Devgem would upload (.env, .git, node_modules left out).
  package [dir] --list              Print the files that would be uploaded instead.

Options:
  -h, --help                        Show this help.
  -v, --version                     Show the version.

Exit codes: 0 ok, 1 the operation failed, 2 usage error.
`;
