#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: first the optimised build, then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
# Then each libFuzzer target runs for a bounded time (FUZZ_SECONDS, default 20) on its corpus.
# Usage: scripts/test.sh [--no-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=${JOBS:-2}
passed=0
failed=0
run_suite() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  local log="$dir/ctest-summary.log"
  local status=0
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 900) | tee "$log" || status=$?
  # "100% tests passed, 0 tests failed out of 383"
  local line total bad
  line=$(grep -E "tests failed out of [0-9]+" "$log" | tail -n1)
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + ${total:-0} - ${bad:-0}))
  failed=$((failed + ${bad:-0}))
  if ((status != 0)); then
    echo "tests: $passed passed, $failed failed"
    exit "$status"
  fi
}

echo "== Release build and tests"
run_suite build
if [[ ${1:-} != --no-sanitizers ]]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
    run_suite build-sanitize -DACTORCHAIN_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi

if [[ ${1:-} != --no-sanitizers ]]; then
  echo "== libFuzzer targets, ${FUZZ_SECONDS:-20} s each"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
fi

echo "tests: $passed passed, $failed failed"
