#!/usr/bin/env bash
# The suite must catch every fault of our own reference server and pass the strict one
# (DESIGN.md §5). See check_server_faults.py and server_fault_cases.json.
set -euo pipefail
mkdir -p "$WSPROBE_TEST_TMP"
exec /usr/bin/python3 "$(dirname "$0")/check_server_faults.py" "$WSPROBE" "$WSPROBE_TEST_TMP"
