#!/usr/bin/env bash
# Installs playwright-core (the library only, never a browser: we drive Debian's chromium) into a
# scratch folder outside the repo, once, and prints the folder to use as NODE_PATH.
set -euo pipefail
version=${PLAYWRIGHT_CORE_VERSION:-1.57.0}
dir=${WSPROBE_PEERS_DIR:-$HOME/.cache/wsprobe/peers}/playwright-core-$version
if [[ ! -f $dir/node_modules/playwright-core/package.json ]]; then
  mkdir -p "$dir"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
    --no-save "playwright-core@$version" >&2)
fi
echo "$dir/node_modules"
