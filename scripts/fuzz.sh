#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each one on a copy
# of its seed corpus for a bounded time. New corpus entries go to a temp dir, never into
# fuzz/corpus. Exits non-zero on any crash, printing the input that caused it.
# Usage: scripts/fuzz.sh [seconds-per-target, default 30] [target...]   (targets: wire_message ...)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
jobs=${JOBS:-2}
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -DACTORCHAIN_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for source in fuzz/*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for target in "${targets[@]}"; do
  binary=$build/fuzz/fuzz_$target
  corpus=$work/$target/corpus
  artifacts=$work/$target/artifacts/
  mkdir -p "$corpus" "$artifacts"
  if [[ -d fuzz/corpus/$target ]]; then cp fuzz/corpus/"$target"/* "$corpus"/; fi
  echo "== $target: ${seconds}s"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$artifacts" -print_final_stats=1 "$corpus" >"$work/$target/log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^Done' "$work/$target/log" || true
  else
    failed=1
    tail -n 60 "$work/$target/log"
    for crash in "$artifacts"*; do
      [[ -e $crash ]] || continue
      kept=$build/fuzz/$(basename "$crash")-$target
      cp "$crash" "$kept"
      echo "!! $target crashed on $kept (hex below)"
      xxd -p "$crash" | head -c 4000
      echo
    done
  fi
done
exit "$failed"
