#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test (ctest).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$build_dir"
ctest --output-on-failure --parallel "${WSPROBE_TEST_JOBS:-2}" "$@"
