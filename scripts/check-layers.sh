#!/usr/bin/env bash
# Fails when a file includes a layer above its own: chain <- wallet <- net <- actors <- apps.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {
  local dir=$1 forbidden=$2
  local hits
  hits=$(grep -rnE "#include \"(${forbidden})/" "$dir" 2>/dev/null || true)
  if [[ -n $hits ]]; then
    echo "layering violation: $dir/ may not include ${forbidden//|/, }/:" >&2
    echo "$hits" >&2
    status=1
  fi
}
check chain "wallet|net|actors|apps"
check wallet "net|actors|apps"
check net "actors|apps"
check actors "apps"
# CAF stays out of the pure layers.
if grep -rn "#include <caf/" chain wallet net >/dev/null 2>&1; then
  echo "layering violation: CAF included below actors/" >&2
  grep -rn "#include <caf/" chain wallet net >&2
  status=1
fi
exit $status
