# shellcheck shell=bash disable=SC2034  # failed, pid and url are for the scripts
# Helpers for tests/integration/*.sh (sourced, not a test itself):
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
# It empties the scratch folder $tmp ($WSPROBE_TEST_TMP, or a new one), sets $py and stops every
# process started with `start` when the test exits.

py=/usr/bin/python3 # Debian's, with python3-websockets (the one on PATH may lack it)
tmp=${WSPROBE_TEST_TMP:-$(mktemp -d)}
rm -rf "$tmp"
mkdir -p "$tmp"

# fail MESSAGE...: prints "FAIL: MESSAGE" on stderr and ends the test (exit 1).
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# fail_later MESSAGE...: prints "FAIL: MESSAGE" and sets failed=1; the test goes on.
failed=0
fail_later() {
  echo "FAIL: $*" >&2
  failed=1
}

# wait_until SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds; returns 1 once
# SECONDS (whole) have passed without.
wait_until() {
  local end=$((${EPOCHREALTIME/[.,]/} + $1 * 1000000))
  shift
  until "$@"; do
    ((${EPOCHREALTIME/[.,]/} < end)) || return 1
    sleep 0.05
  done
}

# alive PID: PID is a child of this shell and has not ended (a recycled PID is not ours).
alive() {
  local st state ppid
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r state ppid _ <<<"${st##*) }"
  [ "$state" != Z ] && [ "$ppid" = "$$" ]
}

# start CMD...: runs CMD in the background and remembers its PID (in $! as usual) for stop_all.
# Redirect around the call: `start CMD >out 2>err`.
started_pids=()
start() {
  "$@" &
  started_pids+=("$!")
}

# stop PID: SIGTERM, then SIGKILL if PID is still running 5 s later; returns its exit status.
stop() {
  if alive "$1"; then
    kill -TERM "$1" 2>/dev/null || true
    if ! wait_until 5 _gone "$1"; then
      echo "stop: $1 still running 5 s after SIGTERM, killed" >&2
      _kill "$1"
    fi
  fi
  wait "$1" 2>/dev/null
}
_gone() { ! alive "$1"; }
# _kill PID: SIGKILL to PID and its children (a `timeout` wrapper would leave its child behind).
_kill() {
  # shellcheck disable=SC2046  # one PID a word
  kill -KILL $(ps -o pid= --ppid "$1") "$1" 2>/dev/null || true
}

# wait_exit SECONDS PID: waits until PID has ended and returns its exit status; fails the test if
# it still runs after SECONDS.
wait_exit() {
  wait_until "$1" _gone "$2" ||
    fail "still running after $1 s: $(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null)"
  wait "$2"
}

# stop_all: stops every process `start` started that still runs (SIGTERM, SIGKILL after 5 s).
stop_all() {
  local p live=()
  for p in "${started_pids[@]}"; do
    if alive "$p"; then
      live+=("$p")
      kill -TERM "$p" 2>/dev/null || true
    fi
  done
  for p in "${live[@]}"; do
    wait_until 5 _gone "$p" || _kill "$p"
    wait "$p" 2>/dev/null || true
  done
}
trap stop_all EXIT

# listening_url FILE SECONDS [PID]: prints the URL of the first "listening on URL" line in FILE as
# soon as there is one; returns 1 after SECONDS, or once PID has ended, without one.
listening_url() {
  local url ended end=$((${EPOCHREALTIME/[.,]/} + $2 * 1000000))
  while :; do
    ended=0
    [ -z "${3:-}" ] || alive "$3" || ended=1
    url=$(sed -n -E 's#^listening on (wss?://[^ ]+)$#\1#p' "$1" 2>/dev/null | head -n1)
    [ -z "$url" ] || { echo "$url"; return 0; }
    [ "$ended" = 0 ] && ((${EPOCHREALTIME/[.,]/} < end)) || return 1
    sleep 0.05
  done
}

# start_listening SECONDS NAME CMD...: starts CMD with stdout in $tmp/NAME.out and stderr in
# $tmp/NAME.err, and waits (SECONDS at most) for its "listening on URL" line; sets $pid and $url.
# Fails with its stderr if the line does not come.
start_listening() {
  local seconds=$1 name=$2
  shift 2
  start "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  pid=$!
  url=$(listening_url "$tmp/$name.out" "$seconds" "$pid") ||
    fail "$name did not start (no 'listening on' line): $(cat "$tmp/$name.err")"
}

# start_serve NAME ARGS...: start_listening for `$WSPROBE serve --listen 127.0.0.1:0 ARGS` (5 s).
start_serve() {
  local name=$1
  shift
  start_listening 5 "$name" "$WSPROBE" serve --listen 127.0.0.1:0 "$@"
}

# make_cert DIR: a self-signed certificate for 127.0.0.1, with the address as IP SAN so that
# --ca checks the name too: DIR/cert.pem and DIR/key.pem.
make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1
}

# check_json NAME FILE [--doc VAR FILE]... [--say TEMPLATE] EXPR...: every Python expression
# EXPR holds for the JSON document in FILE, seen as r, with s = r["summary"], e = s["errors"],
# hist_total(h) (a histogram's counts added), others_zero(*kinds) (every error count but those
# kinds is 0) and VAR for each --doc. --say prints TEMPLATE.format_map of those names first
# (nonzero_errors: e without its zeros). Otherwise prints "FAIL: NAME: " with the false ones and
# s on stderr, and returns 1.
check_json() {
  "$py" - "$@" <<'PY'
import json, sys
name, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
r = json.load(open(path))
s = r.get("summary") if isinstance(r, dict) else None
e = s.get("errors") if isinstance(s, dict) else None
env = {"r": r, "s": s, "e": e, "hist_total": lambda h: sum(n for _, n in h),
       "others_zero": lambda *kinds: all(n == 0 for k, n in e.items() if k not in kinds)}
say = None
while args and args[0] in ("--doc", "--say"):
    if args[0] == "--doc":
        env[args[1]] = json.load(open(args[2]))
        args = args[3:]
    else:
        say, args = args[1], args[2:]
if say is not None:
    print(say.format_map(dict(env, nonzero_errors={k: n for k, n in e.items() if n})))
bad = [c for c in args if not eval(c, env)]
if bad:
    print(f"FAIL: {name}: " + "; ".join(bad), file=sys.stderr)
    print(json.dumps(s, indent=1), file=sys.stderr)
    sys.exit(1)
PY
}
