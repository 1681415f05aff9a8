#!/usr/bin/env bash
# load.html in a real browser (headless Debian chromium driven by playwright-core; no browser
# download, no network): a short real `wsprobe load` against `wsprobe serve` writes load.json and
# load.html; the page's plots have one point per second of load.json's series, its tables show
# load.json's numbers, it fetches nothing and logs no error (browser/load_check.js). A run that
# reaches no server still gives a page that opens cleanly. Screenshots go to $WSPROBE_TEST_TMP.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
here="$WSPROBE_SOURCE_DIR/tests/integration"
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (scripts/setup.sh installs it)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
NODE_PATH=$(bash "$here/browser/install_playwright_core.sh")
export NODE_PATH

start_serve serve --impl wsprobe

# A few seconds of real load: a warm-up to shade, a ramp, varying sizes.
out="$WSPROBE_TEST_TMP/run"
"$WSPROBE" load "$url" --connections 8 --connect-rate 20 --rate 400 --duration 4 --warmup 1 \
  --size-dist 16:512 --threads 2 --report-dir "$out" --quiet ||
  fail "wsprobe load exited $?"
[ -s "$out/load.json" ] || fail "no load.json"
[ -s "$out/load.html" ] || fail "no load.html next to load.json"
node "$here/browser/load_check.js" "$out/load.html" "$out/load.json" \
  "$WSPROBE_TEST_TMP/load-report.png"

# Nothing listens: exit 2, and the page (no connection, no series, empty histograms) still opens.
stop "$pid" || true
rc=0
"$WSPROBE" load "$url" --connections 2 --duration 1 --report-dir "$WSPROBE_TEST_TMP/none" \
  --quiet 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "load against a closed port exited $rc, expected 2"
[ -s "$WSPROBE_TEST_TMP/none/load.html" ] || fail "no load.html for the run without connections"
node "$here/browser/load_check.js" "$WSPROBE_TEST_TMP/none/load.html" \
  "$WSPROBE_TEST_TMP/none/load.json" "$WSPROBE_TEST_TMP/load-report-empty.png"
echo "load_report_browser: ok"
