#!/usr/bin/env bash
# Configures and builds wsprobe into build/ (or $WSPROBE_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_BUILD_DIR:-$root/build}
jobs=${WSPROBE_JOBS:-$(nproc)}

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DWSPROBE_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" --parallel "$jobs"
