#!/usr/bin/env bash
# docker-compose.yml is valid for Debian's docker-compose (`docker-compose config`, no engine
# needed) and wires what README and docs/ci.md promise: wsprobe built from deploy/Dockerfile,
# the reference server on 0.0.0.0:9001, the node ws and Python websockets peers listening on
# 0.0.0.0, and a `suite` profile that runs the suite and merges into reports/. deploy/Dockerfile
# runs exactly scripts/setup.sh and scripts/build.sh, the steps of a bare machine.
set -euo pipefail
: "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
command -v docker-compose >/dev/null || fail "docker-compose is missing (scripts/setup.sh installs it)"
src=$WSPROBE_SOURCE_DIR
compose=(docker-compose --project-directory "$src" -f "$src/docker-compose.yml")

"${compose[@]}" config -q || fail "docker-compose config rejects docker-compose.yml"
"${compose[@]}" --profile suite --profile tools config >"$WSPROBE_TEST_TMP/config.yml" \
  || fail "docker-compose config (all profiles)"

$py - "$WSPROBE_TEST_TMP/config.yml" "$src" <<'PY' || fail "compose services"
import os, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
src = sys.argv[2]
s = cfg["services"]
assert set(s) == {"wsprobe", "reference", "node-ws", "python-websockets", "suite"}, set(s)
for name in ("wsprobe", "reference", "suite"):
    assert s[name]["build"]["dockerfile"] == "deploy/Dockerfile", name
    assert s[name]["image"] == s["wsprobe"]["image"], name
assert s["reference"]["command"] == ["wsprobe", "serve", "--listen", "0.0.0.0:9001"]
for name, script, port in (("node-ws", "node_ws_echo_server.js", "9002"),
                           ("python-websockets", "python_ws_echo_server.py", "9003")):
    df = open(os.path.join(src, s[name]["build"]["dockerfile"])).read()
    assert f"tests/peers/{script}" in df and '"0.0.0.0"' in df and f'"{port}"' in df, name
    assert os.path.exists(os.path.join(src, "tests/peers", script)), script
assert "debian:12" in open(os.path.join(src, s["python-websockets"]["build"]["dockerfile"])).read()
suite = s["suite"]
assert suite["profiles"] == ["suite"]
assert set(suite["depends_on"]) == {"reference", "node-ws", "python-websockets"}
assert suite["command"][0] == "deploy/run-suite.sh"
assert any(v.endswith(":/reports:rw") and "/reports" in v for v in suite["volumes"]), suite["volumes"]
targets = dict(a.split("=", 1) for a in suite["command"][1:])
assert targets == {"reference": "ws://reference:9001/", "node-ws": "ws://node-ws:9002/",
                   "python-websockets": "ws://python-websockets:9003/"}, targets
run_suite = open(os.path.join(src, "deploy/run-suite.sh")).read()
assert "wsprobe report merge" in run_suite and "test-server" in run_suite
PY

# deploy/Dockerfile: FROM debian:12 and exactly the two scripts, in this order.
dockerfile="$src/deploy/Dockerfile"
grep -qx 'FROM debian:12' "$dockerfile" || fail "deploy/Dockerfile is not FROM debian:12"
runs=$(grep -E '^RUN ' "$dockerfile" | sed 's/^RUN[[:space:]]*//')
[ "$runs" = $'scripts/setup.sh\nscripts/build.sh' ] || fail "Dockerfile RUN steps differ: $runs"
[ -x "$src/scripts/setup.sh" ] && [ -x "$src/scripts/build.sh" ] || fail "scripts not executable"

# README's Docker section names the one-line command.
grep -A4 '^## Docker' "$src/README.md" | grep -q 'docker-compose --profile suite up' \
  || fail "README.md has no '## Docker' one-liner"
echo "ok: docker-compose config valid; services, profiles and Dockerfile steps as documented"
