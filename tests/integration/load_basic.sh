#!/usr/bin/env bash
# `wsprobe load` over loopback against the reference servers: an open-loop run loses nothing and
# meets its offered rate, every echo has a latency; a closed-loop run and an idle run with pings
# work; a server that changes messages, one that dies mid-run and a port nobody listens on are
# counted as errors (as are a wrong Sec-WebSocket-Accept and masked server frames), and the run
# still ends on time and writes its report; SIGINT drains and writes it too.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
. "$(dirname "$0")/lib.sh"

# run_load NAME EXPECTED_RC MAX_SECONDS ARGS...: runs `wsprobe load`, checks its exit code and
# that it ended within MAX_SECONDS; the report lands in $tmp/NAME/load.json.
run_load() {
  local name="$1" expected_rc="$2" max_s="$3"
  shift 3
  local started ended rc=0
  started=$(date +%s.%N)
  timeout 60 "$WSPROBE" load "$@" --threads 2 --report-dir "$tmp/$name" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  ended=$(date +%s.%N)
  [[ "$rc" == "$expected_rc" ]] ||
    fail "$name: exit code $rc, expected $expected_rc: $(cat "$tmp/$name.err")"
  "$py" -c "import sys; sys.exit(0 if $ended - $started <= $max_s else 1)" ||
    fail "$name took longer than $max_s s"
  [[ -s "$tmp/$name/load.json" ]] || fail "$name wrote no load.json"
}

# check NAME PYTHON-EXPRESSIONS...: each expression, over s (summary) and r (the report), is true.
check() { check_json "$1" "$tmp/$1/load.json" 'r["schema"] == "wsprobe-load/1"' "${@:2}"; }

NO_ERRORS='all(n == 0 for n in s["errors"].values())'

# 1. Open loop against the Beast server: nothing lost, the offered rate met, every echo timed.
start_serve server --impl beast
run_load open 0 6 "$url" --connections 20 --rate 2000 --duration 2
check open "$NO_ERRORS" 's["connections"] == 20' 's["connect_errors"] == 0' \
  's["messages_sent"] > 3500' 's["messages_received"] == s["messages_sent"]' \
  'abs(s["achieved_rate"] - s["offered_rate"]) <= 0.01 * s["offered_rate"]' \
  's["offered_rate"] > 1800' \
  'hist_total(r["histograms"]["latency_us"]) == s["messages_received"]' \
  's["latency_us"]["count"] == s["messages_received"]' \
  '0 < s["latency_us"]["p50"] <= s["latency_us"]["p99"] <= s["latency_us"]["max"]' \
  'hist_total(r["histograms"]["connect_us"]) == 20' \
  's["bytes_sent"] == 64 * s["messages_sent"]' 's["bytes_received"] == s["bytes_sent"]' \
  'len(r["series"]) >= 1' 'r["environment"]["cores"] >= 1' 'r["params"]["rate"] == 2000'

# 2. Closed loop with text messages of varying size.
run_load closed 0 5 "$url" --connections 4 --in-flight 8 --duration 1 --text --size-dist 16:300
check closed "$NO_ERRORS" 's["messages_received"] == s["messages_sent"]' \
  's["messages_sent"] > 100' 'r["params"]["model"] == "closed-loop"' \
  'hist_total(r["histograms"]["latency_us"]) == s["messages_received"]'

# 3. Idle connections with pings.
run_load idle 0 5 "$url" --connections 30 --idle --ping-interval 0.25 --duration 1
check idle "$NO_ERRORS" 's["connections"] == 30' 's["messages_sent"] == 0' \
  's["pings_sent"] >= 60' 's["pongs_received"] == s["pings_sent"]' \
  'hist_total(r["histograms"]["ping_us"]) == s["pongs_received"]'

# 3b. Paced handshakes: 20 connections at 40/s take about half a second to come up.
run_load paced 0 5 "$url" --connections 20 --connect-rate 40 --idle --duration 1
check paced "$NO_ERRORS" 's["connections"] == 20' '0.4 <= s["ramp_s"] <= 0.9'

# 4. SIGINT stops sending, drains and writes the report (exit code 130, interrupted).
start timeout 60 "$WSPROBE" load "$url" --connections 10 --rate 1000 --duration 30 --warmup 0.3 \
  --threads 2 --report-dir "$tmp/sigint" >"$tmp/sigint.out" 2>"$tmp/sigint.err"
load_pid=$!
# SIGINT only once the run is going (its first status line): on a loaded machine a signal sent
# before the handler is installed kills the process the default way (also exit 130, no report).
wait_until 10 grep -q "conns" "$tmp/sigint.err" || true
sleep 0.3
kill -INT "$load_pid"
started=$(date +%s.%N)
rc=0
wait "$load_pid" || rc=$?
ended=$(date +%s.%N)
[[ "$rc" == 130 ]] || fail "sigint: exit code $rc, expected 130: $(cat "$tmp/sigint.err")"
"$py" -c "import sys; sys.exit(0 if $ended - $started <= 1.5 else 1)" ||
  fail "sigint: more than 1.5 s from SIGINT to exit"
check sigint "$NO_ERRORS" 's["interrupted"] is True' 's["window_s"] < 1.5' \
  's["messages_received"] == s["messages_sent"] > 300'

# 5. The server dies mid-run: closed_by_server counted, the run ends on time with a report.
start timeout 60 "$WSPROBE" load "$url" --connections 10 --rate 1000 --duration 3 --threads 2 \
  --report-dir "$tmp/killed" >"$tmp/killed.out" 2>"$tmp/killed.err"
load_pid=$!
sleep 1.2
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
started=$(date +%s.%N)
rc=0
wait "$load_pid" || rc=$?
[[ "$rc" == 1 ]] || fail "killed: exit code $rc, expected 1: $(cat "$tmp/killed.err")"
check killed 's["errors"]["closed_by_server"] + s["errors"]["io_error"] == 10' \
  's["messages_received"] > 500' 's["connections"] == 10'

# 6. A server that echoes binary messages as text: every echo is counted corrupted.
start_serve server --impl wsprobe --fault binary-as-text
run_load corrupt 1 5 "$url" --connections 5 --rate 500 --duration 1
check corrupt 's["errors"]["corrupted"] > 400' 's["messages_received"] == 0' \
  's["errors"]["lost"] == 0' 'hist_total(r["histograms"]["latency_us"]) == 0'
stop "$pid" || true

# 6b. A wrong Sec-WebSocket-Accept fails every handshake; masked server frames are protocol errors.
start_serve server --impl wsprobe --fault bad-accept-key
run_load badaccept 2 5 "$url" --connections 5 --rate 100 --duration 1
check badaccept 's["errors"]["handshake_failed"] == 5' 's["connect_errors"] == 5'
stop "$pid" || true
start_serve server --impl wsprobe --fault mask-server-frames
run_load masked 1 5 "$url" --connections 5 --rate 500 --duration 1
check masked 's["errors"]["protocol_error"] == 5' 's["messages_received"] == 0'
stop "$pid" || true

# 7. Nobody listens: every connection refused, exit code 2, a report all the same.
run_load refused 2 5 "$url" --connections 5 --rate 100 --duration 1
check refused 's["errors"]["connect_refused"] == 5' 's["connections"] == 0' \
  's["connect_errors"] == 5'

# 7b. A server that accepts TCP and never answers the handshake: the run still ends on time,
# the connections that never opened are counted as timeouts.
start "$py" -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(60)" >"$tmp/mute.port"
mute_pid=$!
wait_until 5 test -s "$tmp/mute.port" || fail "the mute server printed no port"
run_load mute 2 3 "ws://127.0.0.1:$(cat "$tmp/mute.port")/" --connections 5 --duration 1
check mute 's["errors"]["timeout"] == 5' 's["connections"] == 0'
stop "$mute_pid" || true

# 8. Usage errors: exit code 2 with a message that names the option.
for args in "--size 8" "--rate 5 --in-flight 2" "--size-dist 300:20" "--duration 0"; do
  rc=0
  # shellcheck disable=SC2086
  "$WSPROBE" load ws://127.0.0.1:9/ $args --report-dir "$tmp/usage" 2>"$tmp/usage.err" || rc=$?
  if [[ "$rc" != 2 ]] || ! grep -q -- "--" "$tmp/usage.err"; then
    fail "wsprobe load $args: exit code $rc, expected 2 with a message"
  fi
done

echo "load_basic: all checks passed"
