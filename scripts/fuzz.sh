#!/usr/bin/env bash
# Builds one libFuzzer target with clang (ASan + UBSan) and runs it for SECONDS over a scratch
# copy of its seed corpus, with its dictionary; prints exec/s and any crash it found.
#   scripts/fuzz.sh TARGET SECONDS      e.g. scripts/fuzz.sh frame_decoder 60
# TARGET is the name of fuzz/TARGET_fuzzer.cpp. The build goes to build-fuzz/ (or
# $WSPROBE_FUZZ_BUILD_DIR); new inputs go to fuzz/corpus-work/TARGET/ (git-ignored): copy the
# interesting ones, and every crash input once fixed, into fuzz/corpus/TARGET/.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 TARGET SECONDS" >&2
  exit 2
fi
target=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${WSPROBE_JOBS:-2}
src=$root/fuzz/${target}_fuzzer.cpp
if [ ! -f "$src" ]; then
  echo "no fuzz target $src" >&2
  exit 2
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWSPROBE_FUZZ=ON >/dev/null
cmake --build "$build_dir" --parallel "$jobs" --target "${target}_fuzzer"

work=$root/fuzz/corpus-work/$target
rm -rf "$work"
mkdir -p "$work"
if [ -d "$root/fuzz/corpus/$target" ]; then
  cp -r "$root/fuzz/corpus/$target/." "$work/"
fi
dict_args=()
if [ -f "$root/fuzz/dict/$target.dict" ]; then
  dict_args=("-dict=$root/fuzz/dict/$target.dict")
fi
log=$root/fuzz/corpus-work/$target.log
status=0
"$build_dir/fuzz/${target}_fuzzer" "${dict_args[@]}" -max_total_time="$seconds" \
  -print_final_stats=1 -artifact_prefix="$root/fuzz/corpus-work/$target-" "$work" \
  >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
echo "target:   $target (${seconds}s)"
echo "runs:     ${runs:-?}"
echo "exec/s:   $(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' <<<"$last" | tail -1)"
echo "corpus:   $(ls "$work" | wc -l) inputs in $work"
echo "log:      $log"
if [ "$status" -ne 0 ]; then
  echo "FOUND A PROBLEM (exit $status):"
  grep -E 'ERROR|SUMMARY|Test unit written' "$log" || tail -20 "$log"
  exit 1
fi
echo "findings: none"
