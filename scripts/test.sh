#!/usr/bin/env bash
# Runs every test: unit, integration (real SDKs vs the local emulator), the
# webview in headless Chromium, and end to end in a real VS Code (code-server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund
bash scripts/install-code-server.sh   # also Debian's chromium for the browser tests
npm run --silent lint                 # eslint (layer boundaries), import loops, prettier --check
rm -rf out
npx --no-install tsc -p .
npx --no-install tsc -p webview-ui/tsconfig.json
bash scripts/package-vsix.sh >/dev/null
exec npx --no-install mocha "$@"
