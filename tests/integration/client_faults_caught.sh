#!/usr/bin/env bash
# The client suite must catch every fault of our own reference client (`wsprobe echo-client
# --impl wsprobe --fault NAME`) with the verdicts client_fault_cases.json gives, change nothing
# else, and pass the strict client (DESIGN.md §5). See check_client_faults.py.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_TEST_TMP:?}"
rm -rf "$WSPROBE_TEST_TMP"
mkdir -p "$WSPROBE_TEST_TMP"
exec /usr/bin/python3 "$(dirname "$0")/check_client_faults.py" "$WSPROBE" "$WSPROBE_TEST_TMP"
