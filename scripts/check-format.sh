#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (.clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed" >&2; exit 77; }
status=0
while IFS= read -r file; do
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
    echo "not clang-formatted: $file (run clang-format -i $file)" >&2
    status=1
  fi
done < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find chain wallet net actors apps tests bench fuzz -name '*.[ch]pp')
exit $status
