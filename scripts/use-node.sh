# Sourced by .ci/run and the npm scripts: makes sure the `node` first on PATH is
# Node.js 22 or later, the extension host of the VS Code versions Devgem
# supports (engines.vscode) and what its SDKs require. An older machine Node
# gets the pinned Node 24 from the npm registry (scripts/install-node.sh) put
# first on PATH; npm itself then runs on it too.
__devgem_node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$__devgem_node_major" -lt 22 ]; then
  __devgem_node_bin="$(bash "$(dirname "${BASH_SOURCE[0]}")/install-node.sh")"
  export PATH="$__devgem_node_bin:$PATH"
  hash -r
fi
unset __devgem_node_major __devgem_node_bin
