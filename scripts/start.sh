#!/usr/bin/env bash
# Runs Devgem: installs what is missing, builds the extension, and opens a real
# VS Code in the browser on a sample workspace (see scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund
bash scripts/install-code-server.sh
npx --no-install tsc -p .
bash scripts/package-vsix.sh >/dev/null
exec node out/scripts/start.js "$@"
