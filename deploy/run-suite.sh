#!/usr/bin/env bash
# The `suite` service of docker-compose.yml: runs the conformance suite against every target
# (NAME=URL arguments), one report folder each under $REPORTS, then merges them into
# $REPORTS/all with `wsprobe report merge`. $WSPROBE_ARGS (split on spaces) go to every
# test-server run (e.g. "--cases framing.* --baseline /reports/baseline.json"). Exit 1 when a case FAILED on any target, 2 when a
# target never came up.
set -uo pipefail
reports=${REPORTS:-/reports}
mkdir -p "$reports"
status=0
dirs=()
for target in "$@"; do
  name=${target%%=*}
  url=${target#*=}
  # The targets start in parallel with us: wait until one probe connection gets through.
  rc=2
  for _ in $(seq 60); do
    rc=0
    # shellcheck disable=SC2086
    wsprobe test-server "$url" --agent "$name" --report-dir "$reports/$name" \
      --summary-md "$reports/summary.md" ${WSPROBE_ARGS:-} || rc=$?
    [ "$rc" -ne 2 ] && break
    sleep 1
  done
  echo "$name: exit $rc"
  [ "$rc" -ne 2 ] && dirs+=("$reports/$name")
  [ "$rc" -gt "$status" ] && status=$rc
done
if [ "${#dirs[@]}" -gt 0 ]; then
  wsprobe report merge "${dirs[@]}" --out "$reports/all" || status=2
fi
exit "$status"
