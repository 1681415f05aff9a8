#!/usr/bin/env bash
# Side-by-side load benchmark of `wsprobe load`, all on 127.0.0.1 and all in one run, so that
# figures and ratios come from the same machine state (docs/load.md "Benchmarks",
# bench/README.md):
#   floors  iperf3 bytes/s; bench/tcp_pingpong round-trip p50/p99 (plain TCP, 64 B, 1000/s)
#   peer    Artillery (npm) against the same echo server: connections/s and messages/s
#   wsprobe (a) 10,000 idle connections with pings: handshake rate, errors, RSS per connection;
#               then connect+upgrade/s of a generator pinned to one core against `serve --sink`
#           (b) open loop at 50,000 msg/s: achieved vs offered, latencies == messages received
#           (c) 64 B send-only to `serve --sink`, pinned: msg/s on one core
#           (d) 16 KiB send-only to `serve --sink`: bytes/s vs iperf3's
#           (e) one connection, 1000 msg/s, pinned: p50/p99 vs the TCP ping-pong floor
# then a table: figure, value, floor/peer, ratio, goal, PASS/MISS.
#
# Environment: WSPROBE (a built binary; otherwise wsprobe is built into WSPROBE_BUILD_DIR,
# default build/), WSPROBE_PINGPONG (a built tcp_pingpong), WSPROBE_JOBS, WSPROBE_BENCH_SECONDS
# (measured seconds per run, default 5), WSPROBE_BENCH_IDLE (idle connections, default 10000),
# WSPROBE_BENCH_RATE (open-loop msg/s, default 50000), WSPROBE_BENCH_SERVER_THREADS (echo server
# threads when `serve --threads` exists, default 2), WSPROBE_BENCH_ARTILLERY=0 (skip the peer),
# WSPROBE_BENCH_PIN=0 (pin nothing), WSPROBE_BENCH_BUDGET (seconds after which steps are
# skipped, default 240), WSPROBE_BENCH_KEEP=1 (keep the results folder),
# WSPROBE_BENCH_STRICT=1 (exit 1 when a goal is missed). Exit 2 when a tool is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_BUILD_DIR:-$root/build}
jobs=${WSPROBE_JOBS:-2}
secs=${WSPROBE_BENCH_SECONDS:-5}
idle_conns=${WSPROBE_BENCH_IDLE:-10000}
open_rate=${WSPROBE_BENCH_RATE:-50000}
server_threads=${WSPROBE_BENCH_SERVER_THREADS:-2}
artillery_version=${WSPROBE_ARTILLERY_VERSION:-2.0.34}
peers_dir=${WSPROBE_PEERS_DIR:-$HOME/.cache/wsprobe/peers}
py=/usr/bin/python3

say() { printf 'bench-load: %s\n' "$*" >&2; }

# --- the programs ---------------------------------------------------------------------------
wsprobe=${WSPROBE:-}
pingpong=${WSPROBE_PINGPONG:-}
if [[ -z $wsprobe || -z $pingpong ]]; then
  say "building wsprobe and tcp_pingpong in $build_dir"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DWSPROBE_WERROR=ON \
    -DWSPROBE_BENCH=ON >/dev/null
  targets=()
  [[ -z $wsprobe ]] && targets+=(wsprobe)
  [[ -z $pingpong ]] && targets+=(tcp_pingpong)
  cmake --build "$build_dir" --parallel "$jobs" --target "${targets[@]}" >/dev/null
  wsprobe=${wsprobe:-$build_dir/wsprobe}
  pingpong=${pingpong:-$build_dir/bench/tcp_pingpong}
fi
for tool in "$wsprobe" "$pingpong"; do
  [[ -x $tool ]] || { say "missing $tool"; exit 2; }
done

# iperf3 from Debian, installed the way scripts/setup.sh does when it is missing.
if ! command -v iperf3 >/dev/null 2>&1; then
  say "installing iperf3"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  DEBIAN_FRONTEND=noninteractive timeout 120 $sudo apt-get install -y --no-install-recommends \
    iperf3 >/dev/null 2>&1 || say "could not install iperf3: no throughput floor"
fi

# Two CPUs: the server side on CPU 0, the client side on CPU 1. With fewer, or with
# WSPROBE_BENCH_PIN=0 (a busy machine, where a pinned process cannot move to an idle CPU),
# nothing is pinned: neither the floors nor the runs compared with them.
pin_cpus=${WSPROBE_BENCH_PIN:-1}
if (($(nproc) < 2)) || ! command -v taskset >/dev/null 2>&1; then pin_cpus=0; fi
pinning="server CPU 0, client CPU 1"
[[ $pin_cpus == 1 ]] || pinning="not pinned"
pin() {
  local cpu=$1
  shift
  if [[ $cpu != - && $pin_cpus == 1 ]]; then
    exec taskset -c "$cpu" "$@"
  fi
  exec "$@"
}

# What this wsprobe can do (other work may not have landed yet): adapt, and say what is missing.
serve_help=$("$wsprobe" serve --help 2>&1)
load_help=$("$wsprobe" load --help 2>&1)
has() { grep -q -- "$2" <<<"$1"; }
serve_threads=() pinned_threads=()
if has "$serve_help" '--threads'; then
  serve_threads=(--threads "$server_threads")
  pinned_threads=(--threads 1)
else
  say "wsprobe serve has no --threads: one-threaded echo server"
fi
sink_flag=""
has "$serve_help" '--sink' && sink_flag=--sink
send_only_flag=""
if has "$load_help" '--send-only'; then
  send_only_flag=--send-only
elif has "$load_help" '--no-echo'; then
  send_only_flag=--no-echo
fi

# --- processes: every one is stopped by PID on exit -----------------------------------------
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [[ -n ${WSPROBE_BENCH_KEEP:-} ]]; then say "results kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

skip() { # STEP REASON: the table shows the step as skipped, with the reason
  mkdir -p "$work/skipped"
  printf '%s\n' "$2" >"$work/skipped/$1"
  say "skipped $1: $2"
}

# Steps that would start after this many seconds (the build included) are skipped, so that a
# slow machine still ends within 5 minutes (the first Artillery install aside).
budget=${WSPROBE_BENCH_BUDGET:-240}
in_budget() { # STEP
  ((SECONDS <= budget)) && return 0
  skip "$1" "over the ${budget} s time budget"
  return 1
}

# 10,000 connections need as many descriptors in the server and in the generator.
want_fds=$((idle_conns + 1024))
if (($(ulimit -n) < want_fds)); then
  ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if (($(ulimit -n) < want_fds)); then
  idle_conns=$(($(ulimit -n) - 1024))
  say "open files limited to $(ulimit -n): $idle_conns idle connections"
fi

# start_server NAME CPU ARGS…: `wsprobe serve ARGS` on a kernel-chosen port; sets server_url.
server_url=""
start_server() {
  local name=$1 cpu=$2
  shift 2
  : >"$work/$name.log"
  (pin "$cpu" "$wsprobe" serve --listen 127.0.0.1:0 "$@") \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  local url=""
  for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(ws:[^ ]*\).*/\1/p' "$work/$name.log" | head -1)
    [[ -n $url ]] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $url ]]; then
    say "server $name did not start: $(tail -3 "$work/$name.log")"
    return 1
  fi
  server_url=$url
  server_pid=${pids[-1]}
}

# proc_cpu PID: user+system CPU ticks of a process so far (fields 14 and 15 of /proc/PID/stat,
# counted after the ")" that ends the command name), 0 when it is gone.
proc_cpu() {
  local stat fields
  read -r stat 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}
hz=$(getconf CLK_TCK)

# run_load NAME CPU LIMIT ARGS…: one `wsprobe load` run into $work/NAME/ (load.json, rc,
# hwm_kb = peak RSS from /proc/PID/status VmHWM, cpu_s = its user+system seconds, wall_s, and
# server_cpu_s = what the server $watch_pid used meanwhile, when set); stopped after LIMIT
# seconds (SIGTERM writes the report; SIGKILL 3 s later).
watch_pid=""
run_load() {
  local name=$1 cpu=$2 limit=$3
  shift 3
  in_budget "$name" || return 0
  local dir=$work/$name
  mkdir -p "$dir"
  local t0=$EPOCHREALTIME s0=0
  [[ -n $watch_pid ]] && s0=$(proc_cpu "$watch_pid")
  (pin "$cpu" "$wsprobe" load --report-dir "$dir" --quiet "$@") >"$dir/out.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local start=$SECONDS hwm=0 ticks=0 state key value rest termed=""
  while true; do
    state=""
    while read -r key value rest; do
      case $key in
        State:) state=$value ;;
        VmHWM:) hwm=$value ;;
      esac
    done 2>/dev/null <"/proc/$pid/status" || true
    [[ -z $state || $state == Z ]] && break
    value=$(proc_cpu "$pid")
    ((value > 0)) && ticks=$value # the last reading before it exits
    if ((SECONDS - start > limit)); then
      if [[ -z $termed ]]; then
        say "$name: still running after ${limit} s, stopping it"
        kill -TERM "$pid" 2>/dev/null || true
        termed=$SECONDS
      elif ((SECONDS - termed > 3)); then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    sleep 0.2
  done
  local rc=0
  wait "$pid" || rc=$?
  echo "$rc" >"$dir/rc"
  echo "$hwm" >"$dir/hwm_kb"
  awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.3f\n", t / hz }' >"$dir/cpu_s"
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }' >"$dir/wall_s"
  if [[ -n $watch_pid ]]; then
    awk -v t="$(($(proc_cpu "$watch_pid") - s0))" -v hz="$hz" 'BEGIN { printf "%.3f\n", t / hz }' \
      >"$dir/server_cpu_s"
  fi
  if [[ ! -f $dir/load.json ]]; then
    say "$name: no load.json (exit $rc): $(tail -3 "$dir/out.log")"
  fi
}

# run_load_unwatched NAME CPU LIMIT ARGS…: like run_load, but in the foreground with no /proc
# polling beside it: the watcher's forks every 0.2 s land on the pinned CPUs and showed up as
# +0.7 ms at p99 of the latency runs (tcp_pingpong, its floor, runs unwatched as well).
run_load_unwatched() {
  local name=$1 cpu=$2 limit=$3
  shift 3
  in_budget "$name" || return 0
  local dir=$work/$name rc=0
  mkdir -p "$dir"
  (pin "$cpu" timeout -k 3 "$limit" "$wsprobe" load --report-dir "$dir" --quiet "$@") \
    >"$dir/out.log" 2>&1 || rc=$?
  echo "$rc" >"$dir/rc"
  [[ -f $dir/load.json ]] || say "$name: no load.json (exit $rc): $(tail -3 "$dir/out.log")"
}

# Steps run in this order so that each floor is measured right before the run compared with it
# (the machine's load drifts); the table follows the order of the header.

# --- the echo server that Artillery, (a) and (b) share --------------------------------------
start_server echo - --impl beast "${serve_threads[@]}" || exit 2
echo_url=$server_url

# --- 2. the peer: Artillery -----------------------------------------------------------------
artillery_dir=$peers_dir/artillery-$artillery_version
artillery=$artillery_dir/node_modules/.bin/artillery
if [[ ${WSPROBE_BENCH_ARTILLERY:-1} == 0 ]]; then
  skip artillery "WSPROBE_BENCH_ARTILLERY=0"
elif [[ ! -f $artillery_dir/.installed ]] && ! command -v npm >/dev/null 2>&1; then
  skip artillery "npm is not installed"
else
  if [[ ! -f $artillery_dir/.installed ]]; then
    say "installing artillery@$artillery_version into $artillery_dir (at most 180 s, once)"
    mkdir -p "$artillery_dir"
    # Artillery pulls Playwright for its browser engine: never let it fetch a browser.
    if (cd "$artillery_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
      PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 timeout -k 5 180 npm install --no-audit --no-fund \
      --no-save --loglevel=error "artillery@$artillery_version") >"$work/artillery-install.log" 2>&1; then
      touch "$artillery_dir/.installed"
    fi
  fi
  if [[ -f $artillery_dir/.installed ]]; then
    for scenario in connect echo; do
      in_budget "artillery-$scenario" || continue
      file=$root/bench/artillery/ws-$scenario.yml
      say "artillery: ws-$scenario.yml against $echo_url (${secs} s of arrivals)"
      arrivals=$(sed -n '/^ *arrivalRate:/{s/[^0-9]//g;p;q}' "$file")
      max_vusers=$(sed -n '/^ *maxVusers:/{s/[^0-9]//g;p;q}' "$file")
      phase="{\"duration\":$secs,\"arrivalRate\":$arrivals,\"maxVusers\":$max_vusers}"
      (cd "$work" && ARTILLERY_DISABLE_TELEMETRY=true exec timeout -k 5 $((secs + 60)) \
        "$artillery" run --quiet --target "$echo_url" \
        --overrides "{\"config\":{\"phases\":[$phase]}}" \
        --output "$work/artillery-$scenario.json" "$file") >"$work/artillery-$scenario.log" 2>&1 &
      pids+=($!)
      wait "${pids[-1]}" || skip "artillery-$scenario" "artillery exited with $?"
    done
  else
    skip artillery "npm install artillery@$artillery_version failed or timed out (no network?)"
  fi
fi

# --- 3. wsprobe load ------------------------------------------------------------------------
# (a) idle connections with pings: a run with one connection gives the base RSS.
say "(a) idle: 1 connection, then $idle_conns connections (--threads 1)"
run_load idle-base - 30 "$echo_url" --idle --connections 1 --ping-interval 1 --duration 2 \
  --threads 1
ramp=${WSPROBE_BENCH_IDLE_RAMP:-8} # warm-up seconds that cover the ramp
run_load idle - $((ramp + secs + 20)) "$echo_url" --idle --connections "$idle_conns" \
  --connect-rate 50000 --max-pending-handshakes 1000 --ping-interval 1 --warmup "$ramp" \
  --duration "$secs" --threads 1

# (b) open loop against the echo server.
say "(b) open loop: $open_rate msg/s over 10 connections (--threads 1)"
run_load open - $((secs + 20)) "$echo_url" --connections 10 --rate "$open_rate" --warmup 1 \
  --duration "$secs" --threads 1

# (c) send-only to a sink server on CPU 0, the generator on CPU 1; then (1) iperf3 with the
# same pinning and (d) right after it.
sink_url=""
if [[ -z $sink_flag ]]; then
  skip send-only "wsprobe serve has no --sink yet"
elif [[ -z $send_only_flag ]]; then
  skip send-only "wsprobe load has no --send-only (or --no-echo) yet"
elif start_server sink 0 "$sink_flag" "${pinned_threads[@]}"; then
  sink_url=$server_url
  sink_pid=$server_pid
  watch_pid=$sink_pid
  # (a) on one core: the same idle connections, opened unpaced (up to 1000 at once) by a
  # generator pinned to one core, against the sink on the other (it keeps up, the Beast echo
  # server does not): how many connect+upgrade one core does.
  # Five runs (a ramp lasts well under a second, so one run is at the mercy of the machine's
  # neighbours); the table takes the median.
  for r in 1 2 3 4 5; do
    say "(a) connect+upgrade on one core, run $r/5: $idle_conns connections, unpaced, to the sink ($pinning)"
    run_load "connect-1core-$r" 1 $((secs + 20)) "$sink_url" --idle --connections "$idle_conns" \
      --max-pending-handshakes 1000 --ping-interval 1 --warmup 1 --duration 1 --threads 1
  done
  say "(c) send-only 64 B to the sink ($pinning)"
  # A rate far above what one core sends: the figure is what it reached.
  run_load sink-64 1 $((secs + 20)) "$sink_url" "$send_only_flag" --connections 1 \
    --rate 5000000 --size 64 --warmup 1 --duration "$secs" --threads 1
  watch_pid=""
else
  skip send-only "the sink server did not start"
fi

# --- 1. loopback floors, each right before its comparison ------------------------------------
if ! in_budget iperf3; then
  :
elif command -v iperf3 >/dev/null 2>&1; then
  say "iperf3: ${secs} s over 127.0.0.1 ($pinning)"
  iperf_port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (pin 0 iperf3 -s -1 -B 127.0.0.1 -p "$iperf_port") >"$work/iperf3-server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    grep -q "listening" "$work/iperf3-server.log" && break
    sleep 0.1
  done
  (pin 1 timeout $((secs + 10)) iperf3 -c 127.0.0.1 -p "$iperf_port" -t "$secs" --json) \
    >"$work/iperf3.json" 2>"$work/iperf3-client.log" || skip iperf3 "iperf3 client failed"
else
  skip iperf3 "iperf3 is not installed (Debian package iperf3, scripts/setup.sh)"
fi

if [[ -n $sink_url ]]; then
  # Twice the rate iperf3 reached, so that the generator, not the schedule, is the limit.
  rate16=$($py -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(int(d["end"]["sum_received"]["bits_per_second"] / 8 / 16384 * 2))
except Exception:
    print(1000000)
' "$work/iperf3.json")
  say "(d) send-only 16 KiB to the sink at up to $rate16 msg/s ($pinning)"
  watch_pid=$sink_pid
  run_load sink-16k 1 $((secs + 20)) "$sink_url" "$send_only_flag" --connections 1 \
    --rate "$rate16" --size 16384 --warmup 1 --duration "$secs" --threads 1
  watch_pid=""
fi

# (e) against the floor, in rounds: on this kind of machine (a VM with 2 vCPUs) a loopback round
# trip at 1000/s varies by a factor of 2-4 from one minute to the next, so one floor run and one
# wsprobe run a minute apart compare the minutes, not the tools. Each round runs wsprobe, the
# floor, the floor again, then wsprobe (A B B A: a drift within the round affects both alike,
# and neither always runs first), WSPROBE_BENCH_LATENCY_ROUNDS times (default 4); the table takes
# the median over rounds of the difference of each round's averages.
latency_rounds=${WSPROBE_BENCH_LATENCY_ROUNDS:-4}
latency_secs=${WSPROBE_BENCH_LATENCY_SECONDS:-3}
pingpong_pin=()
[[ $pin_cpus == 1 ]] && pingpong_pin=(--server-cpu 0 --client-cpu 1)
floor_run() {
  "$pingpong" --count $((latency_secs * 1000)) --rate 1000 --size 64 "${pingpong_pin[@]}" \
    --json >"$work/pingpong-$1.json" || skip pingpong "tcp_pingpong failed"
}
latency_run() {
  run_load_unwatched "latency-$1" 1 $((latency_secs + 20)) "$server_url" --connections 1 \
    --rate 1000 --size 64 --warmup 1 --duration "$latency_secs" --threads 1
}
if start_server pinned 0 --impl beast "${pinned_threads[@]}"; then
  for ((round = 1; round <= latency_rounds; ++round)); do
    in_budget pingpong || break
    say "round $round/$latency_rounds: (e) wsprobe load, tcp_pingpong twice, wsprobe load:" \
      "1 connection, 64 B at 1000/s for $latency_secs s each ($pinning)"
    latency_run "$round-a"
    floor_run "$round-a"
    floor_run "$round-b"
    latency_run "$round-b"
  done
else
  skip latency "the pinned echo server did not start"
fi

# --- the table ------------------------------------------------------------------------------
status=0
$py "$root/bench/load_table.py" "$work" || status=$?
if [[ ${WSPROBE_BENCH_STRICT:-0} == 1 ]]; then exit "$status"; fi
exit 0
