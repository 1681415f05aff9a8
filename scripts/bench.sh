#!/usr/bin/env bash
# Builds the Google Benchmark programs (bench/*_bench.cpp) and runs them briefly, then prints a
# table in GB/s. Masking and UTF-8 validation at 1 MiB are the figures to watch (marked "<==").
# WSPROBE_BUILD_DIR selects the build folder (default build/), WSPROBE_JOBS the build jobs,
# WSPROBE_BENCH_MIN_TIME the seconds per benchmark (default 0.2). Extra arguments go to every
# benchmark program (for example --benchmark_filter=utf8).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_BUILD_DIR:-$root/build}
jobs=${WSPROBE_JOBS:-2}
min_time=${WSPROBE_BENCH_MIN_TIME:-0.2}

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DWSPROBE_WERROR=ON \
  -DWSPROBE_BENCH=ON >/dev/null
targets=()
for src in "$root"/bench/*_bench.cpp; do
  targets+=("$(basename "$src" .cpp)")
done
# Only the bench programs (and the libraries they link), not the whole tree.
cmake --build "$build_dir" --parallel "$jobs" --target "${targets[@]}"

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for target in "${targets[@]}"; do
  "$build_dir/bench/$target" --benchmark_min_time="$min_time" --benchmark_format=json \
    --benchmark_out="$results/$target.json" --benchmark_out_format=json "$@" >/dev/null
done

/usr/bin/python3 - "$results" <<'PY'
import json, pathlib, sys

rows = []
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    for b in json.loads(path.read_text())["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or "bytes_per_second" not in b:
            continue
        rows.append((path.stem, b["name"], b["bytes_per_second"] / 1e9))

print(f"{'program':<14} {'benchmark':<28} {'GB/s':>8}")
for program, name, gbps in rows:
    watch = name.endswith("/1048576") and (name.startswith("mask") or name.startswith("utf8"))
    print(f"{program:<14} {name:<28} {gbps:8.2f}{'  <==' if watch else ''}")
PY
