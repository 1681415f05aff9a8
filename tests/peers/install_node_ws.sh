#!/usr/bin/env bash
# Installs the node `ws` library (the version whose Autobahn verdicts ../shared/oracles/ holds)
# into a scratch folder outside the repo, once, and prints the folder to use as NODE_PATH.
set -euo pipefail
version=${NODE_WS_VERSION:-8.18.3}
dir=${WSPROBE_PEERS_DIR:-$HOME/.cache/wsprobe/peers}/node-ws-$version
if [[ ! -f $dir/node_modules/ws/package.json ]]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --no-save "ws@$version" >&2)
fi
echo "$dir/node_modules"
