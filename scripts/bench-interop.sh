#!/usr/bin/env bash
# Side by side with bcoin 1.0.2: a regtest chain with mixed scripts made by bcoin, synced by a
# fresh actorchain from bcoin, then served by that actorchain to a fresh actorchain and to a
# fresh bcoin; seconds and blocks/s each, and the ratio. As root it runs in a network namespace.
#   bash scripts/bench-interop.sh [BLOCKS (<= 431)] [PAYMENTS_PER_BLOCK]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target actorchain >/dev/null
exec python3 tests/interop/interop_test.py --bench --blocks "${1:-431}" \
  --txs-per-block "${2:-4}" --binary build/actorchain --work build/interop-test
