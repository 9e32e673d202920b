#!/usr/bin/env bash
# Runs Devgem: installs what is missing, builds the extension, and opens a real
# VS Code in the browser on a sample workspace (see scripts/start.ts).
# The first run installs npm packages and code-server (3-6 minutes on a 2-core
# machine, most of it building code-server's native modules); later runs take
# seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "[devgem start] $*" >&2; }
step "1/4 Node.js 22+"
source scripts/use-node.sh
if [ ! -x node_modules/.bin/tsc ]; then
  step "2/4 npm packages (first run: about 1 minute)"
  npm ci --no-audit --no-fund
else
  step "2/4 npm packages: present"
fi
step "3/4 code-server, a real VS Code in the browser (first run: 3-5 minutes; it builds native modules)"
bash scripts/install-code-server.sh
step "4/4 building Devgem and starting VS Code"
npx --no-install tsc -p .
bash scripts/package-vsix.sh >/dev/null
exec node out/scripts/start.js "$@"
