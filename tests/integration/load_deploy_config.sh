#!/usr/bin/env bash
# The sharded-load deployments are valid and agree with `wsprobe load`: deploy/k8s/*.yaml parse
# (an Indexed Job whose completions, parallelism and --shard auto/N agree, the index from
# JOB_COMPLETION_INDEX, one START_AT, reports on a shared volume, a merge Job), every option they
# pass is one `wsprobe load --help` lists; deploy/load/docker-compose.yml passes
# `docker-compose config` (and refuses to run without START_AT); deploy/load/shard-entry.sh
# gives four replicas started at once the indices 0..3, one each, and refuses a fifth.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}"
. "$(dirname "$0")/lib.sh"
src=$WSPROBE_SOURCE_DIR

"$WSPROBE" load --help >"$tmp/load-help.txt"
"$py" - "$src/deploy/k8s" "$tmp/load-help.txt" <<'PYEOF' || fail "deploy/k8s manifests"
import os, re, sys, yaml
k8s, help_text = sys.argv[1], open(sys.argv[2]).read()
docs = [d for d in yaml.safe_load_all(open(os.path.join(k8s, "load-job.yaml"))) if d]
kinds = {d["kind"]: d for d in docs}
assert set(kinds) == {"PersistentVolumeClaim", "Job"}, set(kinds)
assert "ReadWriteMany" in kinds["PersistentVolumeClaim"]["spec"]["accessModes"]
job = kinds["Job"]["spec"]
assert job["completionMode"] == "Indexed"
pod = job["template"]["spec"]
assert pod["restartPolicy"] == "Never"
c = pod["containers"][0]
argv = c["command"] + c["args"]
assert argv[:2] == ["wsprobe", "load"], argv
shard = argv[argv.index("--shard") + 1]
n = int(re.fullmatch(r"auto/(\d+)", shard).group(1))
assert job["completions"] == job["parallelism"] == n, (job["completions"], job["parallelism"], n)
env = {e["name"]: e for e in c["env"]}
assert argv[argv.index("--start-at") + 1] == "$(START_AT)"
assert env["START_AT"]["value"] == "__START_AT__"
assert env["SHARD_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"] == \
    "metadata.annotations['batch.kubernetes.io/job-completion-index']"
report_dir = argv[argv.index("--report-dir") + 1]
mount = c["volumeMounts"][0]
assert report_dir == mount["mountPath"] + "/shard-$(SHARD_INDEX)", report_dir
assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == \
    kinds["PersistentVolumeClaim"]["metadata"]["name"]
for opt in (a for a in argv[2:] if a.startswith("--")):
    assert re.search(r"\s" + re.escape(opt) + r"\b", help_text), f"wsprobe load has no {opt}"

merge = yaml.safe_load(open(os.path.join(k8s, "load-merge-job.yaml")))
assert merge["kind"] == "Job"
mc = merge["spec"]["template"]["spec"]["containers"][0]
script = mc["command"][-1]
assert "wsprobe report merge " + mount["mountPath"] + "/shard-*/load.json" in script, script
assert mc["volumeMounts"][0]["mountPath"] == mount["mountPath"]
assert merge["spec"]["template"]["spec"]["volumes"] == pod["volumes"]
PYEOF

compose=(docker-compose -f "$src/deploy/load/docker-compose.yml")
START_AT=2026-12-03T10:00:00Z "${compose[@]}" config >"$tmp/compose.yml" 2>"$tmp/compose.err" \
  || { cat "$tmp/compose.err"; fail "docker-compose config rejects deploy/load/docker-compose.yml"; }
if env -u START_AT "${compose[@]}" config >/dev/null 2>&1; then
  fail "deploy/load/docker-compose.yml runs without START_AT"
fi
"$py" - "$tmp/compose.yml" "$src" <<'PYEOF' || fail "deploy/load/docker-compose.yml services"
import os, sys, yaml
cfg, src = yaml.safe_load(open(sys.argv[1])), sys.argv[2]
s = cfg["services"]
assert set(s) == {"target", "load"}, set(s)
load = s["load"]
assert load["entrypoint"] == ["deploy/load/shard-entry.sh"]
assert os.access(os.path.join(src, "deploy/load/shard-entry.sh"), os.X_OK)
assert load["environment"]["START_AT"] == "2026-12-03T10:00:00Z"
assert load["environment"]["REPORTS"] == "/reports"
assert any(v.endswith(":/reports:rw") for v in load["volumes"]), load["volumes"]
assert load["build"]["dockerfile"] == "deploy/Dockerfile"
PYEOF

# shard-entry.sh with a stand-in for wsprobe that records its arguments.
cat >"$tmp/fake-wsprobe" <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >"$FAKE_OUT.$$"
EOF
chmod +x "$tmp/fake-wsprobe"
entry_pids=()
for _ in 1 2 3 4; do
  start env REPORTS="$tmp/reports" SHARDS=4 START_AT=2026-12-03T10:00:00Z TARGET_URL=ws://t:1/ \
    LOAD_ARGS="--connections 8 --rate 100" WSPROBE="$tmp/fake-wsprobe" FAKE_OUT="$tmp/run" \
    "$src/deploy/load/shard-entry.sh" 2>/dev/null
  entry_pids+=($!)
done
for pid in "${entry_pids[@]}"; do wait "$pid" || fail "shard-entry.sh failed"; done
shards=$(cat "$tmp"/run.* | sed -n 's/.*--shard \([0-9]*\/4\).*/\1/p' | sort | tr '\n' ' ')
[[ "$shards" == "0/4 1/4 2/4 3/4 " ]] || fail "shard-entry.sh gave shards: $shards"
grep -q -- "--start-at 2026-12-03T10:00:00Z --report-dir $tmp/reports/shard-0 --connections 8 --rate 100" \
  "$tmp"/run.* || fail "shard-entry.sh arguments: $(cat "$tmp"/run.*)"
rc=0
REPORTS="$tmp/reports" SHARDS=4 START_AT=2026-12-03T10:00:00Z TARGET_URL=ws://t:1/ \
  WSPROBE="$tmp/fake-wsprobe" FAKE_OUT="$tmp/run" "$src/deploy/load/shard-entry.sh" 2>/dev/null \
  || rc=$?
[[ $rc -eq 2 ]] || fail "a fifth replica of four shards exited $rc, not 2"
echo "ok: k8s Indexed Job and merge Job, compose file and shard-entry.sh agree with wsprobe load"
