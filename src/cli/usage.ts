/** What `devgem --help` prints, and what follows every usage error. */
export const USAGE = `Usage: devgem <command> [options]

Commands:
  analyze [dir] [--json]            What Devgem finds in dir (default: .): apps, stack, port, start, with evidence.
  dockerfile [dir] [--app PATH]     The Dockerfile Devgem would build the app with (the first app, or PATH).
  package [dir] --out FILE          Write the source tarball Devgem would upload (.env, .git, node_modules left out).
  package [dir] --list              Print the files that would be uploaded instead.
  deploy [dir] [deploy options]     Build dir with Cloud Build and deploy it to Cloud Run; prints the URL.

Deploy options (project, region and service default as in the extension: GOOGLE_CLOUD_PROJECT,
CLOUDSDK_RUN_REGION, gcloud's configuration, the folder name):
  --project P  --region R  --service S
  --env NAME=VALUE                  A plain env var for the service (repeatable; secret-looking names are refused).
  --secret NAME=SECRET[:VERSION]    An env var from a Secret Manager secret (repeatable; VERSION: a number or latest).
  --private                         Keep the service behind IAM (default: public).
  --app PATH                        Which app of a monorepo to deploy (required when there are several).
  --no-traffic --tag TAG            Preview: the new revision gets no traffic, only its own URL for TAG (printed);
                                    the service URL keeps serving the current revision. Needs a live service.
  --yes                             Write a generated Dockerfile, upload files that look private, enable missing APIs and accept risky changes to the live service, without asking.
  --take-over                       Update the service even though Devgem did not create it from this folder (someone else's, or
                                    another workspace's): keeps its labels, adds Devgem's. --yes alone never takes over.
  --force                           Deploy even though the analysis found no server that listens on $PORT (the deploy stops
                                    before the build otherwise).
  --json                            Print one JSON object (outcome, url, revision, image, deployId, stages) instead of the URL.
  --timeout SECONDS                 Cancel the whole deploy (and its build) after this long.
  Progress goes to stderr. DEVGEM_EMULATOR_HOST=HOST:PORT deploys to the local emulator instead.

Options:
  -h, --help                        Show this help.
  -v, --version                     Show the version.

Exit codes: 0 ok, 1 the operation failed (or the service is not public), 2 usage error, 3 the service exists and Devgem
did not create it from this folder (nothing changed; --take-over to update it), 130 cancelled with Ctrl-C.
`;
