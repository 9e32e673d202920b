#!/usr/bin/env bash
# Runs a command with Node.js 22+ first on PATH (see scripts/use-node.sh):
#   bash scripts/with-node.sh node out/bench/run.js
set -euo pipefail
source "$(dirname "$0")/use-node.sh"
exec "$@"
