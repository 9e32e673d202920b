#!/usr/bin/env bash
# Builds the production bundles and packages dist/devgem.vsix (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs --production
mkdir -p dist
# Dependencies are bundled by esbuild, so the .vsix carries no node_modules.
npx --no-install vsce package --no-dependencies --skip-license --out dist/devgem.vsix </dev/null
ls -l dist/devgem.vsix
