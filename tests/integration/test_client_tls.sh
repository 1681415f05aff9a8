#!/usr/bin/env bash
# `wsprobe test-client` over wss://: a subset of the client cases (framing, a handshake answer the
# client must refuse, a redirect, masking keys, ping, close, a 4 MiB message in 64-byte frames,
# UTF-8) against both reference clients, over ws:// and over TLS, both with the self-signed
# certificate of --tls (client: --insecure, testee protocol) and with a certificate from
# --cert/--key (client: --ca, --spawn). Every run passes (no FAILED) and gives every case the
# same verdict as the ws:// run; the listening line names wss://; a client that verifies the
# self-signed certificate without --insecure cannot connect (exit 2).
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"

subset=(--cases 'framing.*' --cases client.reject-wrong-accept --cases client.redirect-302
  --cases client.mask-keys-vary --cases client.server-close-1000 --cases pingpong.ping-125-bytes
  --cases limits.binary-4-mib-in-64-byte-fragments --cases 'utf8.invalid-text-one-frame'
  --cases 'utf8.valid-*-one-frame')

make_cert "$tmp"

# test_client NAME ARGS...: test-client on the subset in the background (120 s at most).
declare -A server_pid
test_client() {
  local name=$1; shift
  start timeout 120 "$WSPROBE" test-client --listen 127.0.0.1:0 --cases-dir "$WSPROBE_SOURCE_DIR/cases" \
    --report-dir "$tmp/$name" --quiet "${subset[@]}" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  server_pid[$name]=$!
}
# url_of NAME: the URL test-client NAME printed (5 s at most).
url_of() { listening_url "$tmp/$1.out" 5 || fail "$1: no listening line: $(cat "$tmp/$1.err")"; }

runs=()
declare -A client_pid
for impl in beast wsprobe; do
  test_client "$impl-ws" --exit-after-reports 1
  test_client "$impl-wss-self-signed" --tls --exit-after-reports 1
  test_client "$impl-wss-spawn" --cert "$tmp/cert.pem" --key "$tmp/key.pem" --agent "$impl" \
    --spawn "$WSPROBE echo-client --impl $impl --ca $tmp/cert.pem --once {url}"
  runs+=("$impl-ws" "$impl-wss-self-signed" "$impl-wss-spawn")
  for name in "$impl-ws" "$impl-wss-self-signed"; do
    url=$(url_of "$name")
    tls=()
    if [[ $name == *wss* ]]; then
      [[ $url == wss://* ]] || fail "$name: --tls listens on $url"
      tls=(--insecure)
    fi
    start timeout 100 "$WSPROBE" echo-client --impl "$impl" --agent "$impl" "${tls[@]}" "$url" \
      >"$tmp/$name.client.out" 2>&1
    client_pid[$name]=$!
  done
done
[[ $(url_of beast-wss-spawn) == wss://* ]] || fail "--cert/--key does not listen on wss://"

for name in "${!client_pid[@]}"; do
  c=0
  wait "${client_pid[$name]}" || c=$?
  [ "$c" -eq 0 ] || fail "$name: echo-client exited $c: $(tail -3 "$tmp/$name.client.out")"
done
rcs=()
for name in "${runs[@]}"; do
  c=0
  wait "${server_pid[$name]}" || c=$?
  rcs+=("$name=$c")
done

$py - "$tmp" "${rcs[@]}" <<'PY'
import json, sys
tmp, runs = sys.argv[1], dict(a.split("=") for a in sys.argv[2:])
problems = []
reports = {}
for name, rc in runs.items():
    r = json.load(open(f"{tmp}/{name}/index.json"))
    reports[name] = {x["case"]: x for x in r["results"]}
    failed = [f'{x["case"]}: {x["observed"].get("reason", "")}' for x in r["results"] if x["verdict"] == "FAILED"]
    if failed or rc != "0":
        problems.append(f"{name}: exit {rc}, FAILED {failed}")
    if (r["target"]["url"].startswith("wss://")) != ("wss" in name):
        problems.append(f"{name}: report url {r['target']['url']}")
    s = r["summary"]
    print(f"{name}: {s['total']} cases, OK {s['OK']}, NON-STRICT {s['NON-STRICT']}, "
          f"INFORMATIONAL {s['INFORMATIONAL']}, FAILED {s['FAILED']}, {r['duration_ms'] / 1000:.1f} s")
for impl in ("beast", "wsprobe"):
    plain = reports[f"{impl}-ws"]
    if len(plain) < 30:
        problems.append(f"{impl}: only {len(plain)} cases in the subset")
    for name in (f"{impl}-wss-self-signed", f"{impl}-wss-spawn"):
        tls = reports[name]
        if set(tls) != set(plain):
            problems.append(f"{name}: cases differ from the ws:// run")
        for case, x in plain.items():
            y = tls.get(case)
            if y is None:
                continue
            same = x["verdict"] == y["verdict"]
            # Beast's teardown closes TCP first at times (see test_client_reference.sh): a
            # NON-STRICT close verdict that may come out OK.
            if impl == "beast":
                same = same and {x["close_verdict"], y["close_verdict"]} <= {"OK", "NON-STRICT"} \
                    or same and x["close_verdict"] == y["close_verdict"]
            else:
                same = same and x["close_verdict"] == y["close_verdict"]
            if not same:
                problems.append(f"{name}: {case} is {y['verdict']}/{y['close_verdict']}, "
                                f"over ws:// {x['verdict']}/{x['close_verdict']}")
if problems:
    print("\n".join("PROBLEM: " + p for p in problems))
    sys.exit(1)
print("wss:// (self-signed with --insecure, --cert/--key with --ca) gives the ws:// verdicts")
PY

# Without --insecure or --ca the self-signed certificate does not verify: exit 2, no case run.
test_client verify --tls --exit-after-reports 1
url=$(url_of verify)
c=0
timeout 30 "$WSPROBE" echo-client --impl wsprobe "$url" >"$tmp/verify.client.out" 2>&1 || c=$?
[ "$c" -eq 2 ] || fail "an unverifiable certificate gave exit $c, not 2"
stop "${server_pid[verify]}" || true
echo "ok: unverified self-signed certificate -> exit 2"
