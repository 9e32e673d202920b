#!/usr/bin/env bash
# Builds the production bundles and packages dist/devgem.vsix (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs --production
mkdir -p dist
# Dependencies are bundled by esbuild, so the .vsix carries no node_modules.
# The README links to CONTRIBUTING.md and ARCHITECTURE.md, kept as written: there is no public
# repository URL to rewrite them against (and none in package.json: no placeholder link ships).
npx --no-install vsce package --no-dependencies --skip-license --no-rewrite-relative-links --allow-missing-repository --out dist/devgem.vsix </dev/null
ls -l dist/devgem.vsix
