#!/usr/bin/env bash
# Installs the Debian 12 packages wsprobe needs to build, test and fuzz. Idempotent: it runs
# apt-get only when something is missing. deploy/Dockerfile runs this same script.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git ca-certificates openssl
  libboost-dev libssl-dev zlib1g-dev libnghttp2-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 python3-websockets
  chromium  # HTML report browser test (tests/integration/report_browser.sh)
  python3-junitparser docker-compose  # report tests: a JUnit reader, compose file validation
  iproute2 procps
  iperf3  # loopback throughput floor for scripts/bench-load.sh
)

# Integration tests run third-party peers: node `ws` (from npm) needs node and npm; the machine
# image may already have them outside Debian's packages.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
