#!/usr/bin/env bash
# Fails when a file includes a layer above its own: chain <- wallet <- net <- p2p <- actors <- apps,
# and diagram/ (standalone) <- apps.
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
check chain "wallet|net|p2p|actors|apps"
check wallet "net|p2p|actors|apps"
check net "p2p|actors|apps"
check p2p "actors|apps"
check actors "apps|diagram"
# diagram/ (trace files to sequence diagrams) reads what the nodes write and includes none of them.
check diagram "chain|wallet|net|p2p|actors|apps"
# CAF stays out of the layers below actors.
if grep -rn "#include <caf/" chain wallet net p2p diagram >/dev/null 2>&1; then
  echo "layering violation: CAF included below actors/" >&2
  grep -rn "#include <caf/" chain wallet net p2p diagram >&2
  status=1
fi
# Sockets stay out of the pure layers: they live in p2p/ and above.
if grep -rnE "#include <(sys/socket|netdb|poll)\.h>" chain wallet net diagram >/dev/null 2>&1; then
  echo "layering violation: sockets used below p2p/" >&2
  grep -rnE "#include <(sys/socket|netdb|poll)\.h>" chain wallet net diagram >&2
  status=1
fi
exit $status
