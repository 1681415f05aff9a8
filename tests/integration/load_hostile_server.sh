#!/usr/bin/env bash
# `wsprobe load` against a server that misbehaves (tests/peers/hostile_ws_server.py):
# - trickle: every frame the server sends arrives one byte per segment (headers always, payload
#   too unless --chunk), echoes of 32 B to 64 KiB in two fragments, and the server pings too:
#   idle, closed-loop, open-loop and 64-bit-length runs have no error, every echo checks, every
#   ping gets its pong and the server's pings are answered with their payload;
# - stall: half the connections stop reading and writing mid-run (a writer left waiting for room
#   in a full socket buffer too): lost echoes / unanswered pings are counted, the others go on;
# - close-mid-run: close frame 1001, FIN, reset on half the connections: closed_by_server each;
# - garbage: bytes that cannot be a frame on half the connections: protocol_error each.
# Every run must end on time (duration + drain + close wait + slack), exit 1 when errors were
# counted (0 otherwise) and write load.json and load.html.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
SRC="${WSPROBE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$(dirname "$0")/lib.sh"
SERVER="$SRC/tests/peers/hostile_ws_server.py"

# start_server NAME ARGS...: the hostile server on port 0; sets pid and url.
start_server() { start_listening 10 "$1.server" "$py" "$SERVER" --lifetime 30 "${@:2}"; }

# stop_server NAME: SIGTERM makes the server print its counts (`stats {json}`) and exit.
stop_server() {
  local name="$1"
  stop "$pid" || true
  sed -n 's/^stats //p' "$tmp/$name.server.out" >"$tmp/$name.server.json"
  [[ -s "$tmp/$name.server.json" ]] ||
    fail "$name: the server printed no stats: $(cat "$tmp/$name.server.err")"
}

# run_load NAME EXPECTED_RC DURATION ARGS...: `wsprobe load --duration DURATION ARGS` must exit
# with EXPECTED_RC, end within DURATION + 1 s of drain + 0.25 s of close wait + ~1 s of slack
# (a writer stuck until the hard stop takes 2 s more), and write load.json and load.html.
run_load() {
  local name="$1" expected_rc="$2" duration="$3"
  shift 3
  local started ended rc=0
  started=$(date +%s.%N)
  timeout 60 "$WSPROBE" load "$url" --duration "$duration" "$@" --threads 2 \
    --report-dir "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  ended=$(date +%s.%N)
  elapsed=$("$py" -c "print(round($ended - $started, 2))")
  [[ "$rc" == "$expected_rc" ]] ||
    fail "$name: exit code $rc, expected $expected_rc: $(cat "$tmp/$name.err")"
  "$py" -c "import sys; sys.exit(0 if $elapsed <= $duration + 2.2 else 1)" ||
    fail "$name took $elapsed s, more than $duration + 2.2 s"
  for f in load.json load.html; do
    [[ -s "$tmp/$name/$f" ]] || fail "$name wrote no $f"
  done
}

# check NAME PYTHON-EXPRESSIONS...: each expression, over s (the summary), e (its errors),
# r (the report) and srv (the server's counts), is true. Prints the run's figures.
check() {
  check_json "$1" "$tmp/$1/load.json" --doc srv "$tmp/$1.server.json" --say "$1: $elapsed s, \
{s[connections]} up, sent {s[messages_sent]}, received {s[messages_received]}, \
pings {s[pings_sent]}, pongs {s[pongs_received]}, errors {nonzero_errors}; server {srv}" \
    'r["schema"] == "wsprobe-load/1"' "${@:2}"
}

NO_ERRORS='all(n == 0 for n in e.values())'
# The server's pings (every 0.15 s, the next once the last has its pong) were answered with
# their own payload; the last one may still be on its way when the client closes.
SERVER_PINGS_OK='srv["server_pongs_bad"] == 0 and srv["server_pongs_ok"] >= 4 * s["connections"] and srv["server_pongs_ok"] >= srv["server_pings_sent"] - s["connections"]'

# 1. trickle: frames split over many reads decode and check.
start_server trickle-idle --mode trickle --ping-every 0.15
run_load trickle-idle 0 2 --connections 4 --idle --ping-interval 0.2
stop_server trickle-idle
check trickle-idle "$NO_ERRORS" 's["connections"] == 4' 's["pings_sent"] >= 28' \
  's["pongs_received"] == s["pings_sent"] == srv["pings_received"]' \
  'sum(n for _, n in r["histograms"]["ping_us"]) == s["pongs_received"]' \
  '0 < s["ping_us"]["max"] < 1000000' 'srv["server_pings_sent"] >= 32' "$SERVER_PINGS_OK" 'srv["closes_received"] == 4'

start_server trickle-closed --mode trickle --ping-every 0.15
run_load trickle-closed 0 2 --connections 4 --in-flight 2 --text --size-dist 16:300
stop_server trickle-closed
check trickle-closed "$NO_ERRORS" 's["messages_sent"] > 40' \
  's["messages_received"] == s["messages_sent"] == srv["messages_echoed"]' "$SERVER_PINGS_OK"

start_server trickle-open --mode trickle --ping-every 0.15
run_load trickle-open 0 2 --connections 4 --rate 40 --size 100
stop_server trickle-open
check trickle-open "$NO_ERRORS" 's["messages_sent"] >= 60' \
  's["messages_received"] == s["messages_sent"] == srv["messages_echoed"]' "$SERVER_PINGS_OK"

# Whole frames with a 64-bit length, header bytes one by one, payload 4093 bytes at a time.
start_server trickle-big --mode trickle --chunk 4093 --ping-every 0.15
run_load trickle-big 0 1.5 --connections 2 --in-flight 1 --size-dist 65536:70000
stop_server trickle-big
check trickle-big "$NO_ERRORS" 's["messages_sent"] > 10' \
  's["messages_received"] == s["messages_sent"] == srv["messages_echoed"]' "$SERVER_PINGS_OK"

# 2. stall: every other connection stops reading and writing 0.5 s after its handshake.
# 128-KiB messages fill the stalled connections' socket buffers: their writers wait for room
# until the close wait after the drain gives up on them.
start_server stall-open --mode stall --every 2 --after 0.5
run_load stall-open 1 2 --connections 4 --rate 200 --size 131072
stop_server stall-open
check stall-open 'srv["misbehaved"] == 2' 's["connections"] == 4' 'e["lost"] > 0' \
  'others_zero("lost")' 's["messages_received"] + e["lost"] == s["messages_sent"]' \
  's["messages_received"] >= 0.9 * 2 * 50 * 2'

start_server stall-closed --mode stall --every 2 --after 0.5
run_load stall-closed 1 2 --connections 4 --in-flight 4
stop_server stall-closed
check stall-closed 'srv["misbehaved"] == 2' 'e["lost"] == 2 * 4' \
  'others_zero("lost")' 's["messages_received"] + e["lost"] == s["messages_sent"]' \
  's["messages_received"] > 100'

# Idle: a stalled connection's last ping gets no pong: one lost each.
start_server stall-idle --mode stall --every 2 --after 0.5
run_load stall-idle 1 2 --connections 6 --idle --ping-interval 0.2
stop_server stall-idle
check stall-idle 'srv["misbehaved"] == 3' 'e["lost"] == 3' 'others_zero("lost")' \
  's["pongs_received"] == srv["pongs_sent"]' 's["pongs_received"] >= s["pings_sent"] // 2' \
  's["pongs_received"] < s["pings_sent"]'

# 3. close-mid-run: close frame 1001, FIN without a close frame, reset: one on each of three
# connections out of six, 0.8 s in; the other three keep going.
start_server close-open --mode close-mid-run --every 2 --after 0.8
run_load close-open 1 2 --connections 6 --rate 600
stop_server close-open
check close-open 'srv["misbehaved"] == 3' 'e["closed_by_server"] == 3' \
  'others_zero("closed_by_server", "lost")' 's["messages_received"] >= 0.9 * 3 * 100 * 2' \
  's["messages_received"] + e["lost"] == s["messages_sent"]'

start_server close-idle --mode close-mid-run --every 2 --after 0.8
run_load close-idle 1 2 --connections 6 --idle --ping-interval 0.2
stop_server close-idle
check close-idle 'srv["misbehaved"] == 3' 'e["closed_by_server"] == 3' \
  'others_zero("closed_by_server")' 's["pings_sent"] - 3 <= s["pongs_received"] <= s["pings_sent"]' 's["pongs_received"] >= 6 * 3'

# 4. garbage: five kinds of invalid frame, one on each of five connections out of ten.
start_server garbage-open --mode garbage --every 2 --after 0.8
run_load garbage-open 1 2 --connections 10 --rate 1000
stop_server garbage-open
check garbage-open 'srv["misbehaved"] == 5' 'e["protocol_error"] == 5' \
  'others_zero("protocol_error", "lost")' 's["messages_received"] >= 0.9 * 5 * 100 * 2' \
  's["messages_received"] + e["lost"] == s["messages_sent"]'

start_server garbage-idle --mode garbage --every 2 --after 0.8
run_load garbage-idle 1 2 --connections 10 --idle --ping-interval 0.2
stop_server garbage-idle
check garbage-idle 'srv["misbehaved"] == 5' 'e["protocol_error"] == 5' \
  'others_zero("protocol_error")' 's["pings_sent"] - 5 <= s["pongs_received"] <= s["pings_sent"]' 's["pongs_received"] >= 10 * 3'

# 5. slow-open: the server accepts nothing for 1.2 s with a listen backlog of 0, so most
# connects complete only when their SYN is sent again (1 s, then 3 s after the first); their
# request waits for the socket to become writable. Each 101 then comes in three pieces 20 ms
# apart.
start_server slow-open --mode slow-open --after 1.2
run_load slow-open 0 4.5 --connections 6 --idle --ping-interval 0.2
stop_server slow-open
check slow-open "$NO_ERRORS" 's["connections"] == 6 == srv["connections"]' \
  's["connect_us"]["max"] >= 900000' 's["upgrade_us"]["p50"] >= 30000' \
  's["pongs_received"] >= 6'

# 6. bad-head: every third connection gets a malformed 101 (in one piece): those fail, and the
# connections whose 101 is parsed after them still open.
start_server bad-head --mode bad-head --every 3
run_load bad-head 1 1 --connections 9 --idle --ping-interval 0.2
stop_server bad-head
check bad-head 'srv["misbehaved"] == 3' 'e["handshake_failed"] == 3' \
  'others_zero("handshake_failed")' 's["connections"] == 6 == srv["connections"]'

echo "load_hostile_server: all checks passed"
