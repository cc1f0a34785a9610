#!/usr/bin/env bash
# Load benchmark: a mining node (--chain quick, --min-txs 1) flooded by tests/load/tx_flood over
# CONNECTIONS peers with TXS valid and TXS invalid transactions. Prints the node's resident
# memory before and after and its peak (VmHWM), the rates at which it read the transactions and
# accepted the valid ones, the seconds until every valid one was mined, and its CPU seconds.
#
#   scripts/bench-load.sh            # env: TXS=5000 CONNECTIONS=32 TIMEOUT=300
#                                    #      KEEP=1 (keep the run folder), ACTORCHAIN=path
# Exit status: 0 when every valid transaction was accepted and mined, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
TXS=${TXS:-5000}
CONNECTIONS=${CONNECTIONS:-32}
TIMEOUT=${TIMEOUT:-300}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target actorchain tx_flood >/dev/null
ACTORCHAIN=${ACTORCHAIN:-$BUILD/actorchain}
TX_FLOOD=$BUILD/tests/tx_flood

mkdir -p "$BUILD/bench-load"
RUN=$(mktemp -d "$BUILD/bench-load/run.XXXXXX")
NODE_PID=
cleanup() {
  if [[ -n $NODE_PID ]]; then
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [[ -z ${KEEP:-} ]]; then rm -rf "$RUN"; else echo "run folder kept: $RUN"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

source "$ROOT/scripts/bench-lib.sh"
PORT=$(free_port)
export NODE_ID=$PORT
LOG=$RUN/node.log

# Transactions in the node's mined blocks so far, coinbases not counted.
mined_txs() {
  grep -o 'mined block [0-9a-f]* height=[0-9]* txs=[0-9]*' "$LOG" |
    awk -F'txs=' '{ sum += $2 - 1 } END { print sum + 0 }'
}

memory_kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"; }

address=$("$ACTORCHAIN" --chain quick createwallet --datadir "$RUN" | tail -n1)
"$TX_FLOOD" prepare --store "$RUN/$PORT/chainstate" --coins "$RUN/coins.hex" --valid "$TXS"
"$ACTORCHAIN" --chain quick startnode --rpc-port 0 --miner "$address" --min-txs 1 \
  --connect "127.0.0.1:$PORT" --max-peers $((CONNECTIONS + 10)) --datadir "$RUN" >"$LOG" 2>&1 &
NODE_PID=$!
wait_for "$LOG" "listening on" 30
rss_before=$(memory_kib "$NODE_PID" VmRSS)

start=$(date +%s.%N)
status=0
"$TX_FLOOD" flood --target "127.0.0.1:$PORT" --coins "$RUN/coins.hex" --valid "$TXS" \
  --invalid "$TXS" --connections "$CONNECTIONS" --timeout "$TIMEOUT" --bad-wait 3 |
  tee "$RUN/flood.log" || status=1

deadline=$((SECONDS + TIMEOUT))
until (($(mined_txs) >= TXS)); do
  if ((SECONDS >= deadline)); then
    echo "only $(mined_txs) of $TXS transactions mined in time" >&2
    status=1
    break
  fi
  sleep 0.05
done
mined_seconds=$(echo "$(date +%s.%N) - $start" | bc)

printf 'load txs=%s connections=%s rss_before_mib=%.1f rss_after_mib=%.1f peak_rss_mib=%.1f ' \
  "$TXS" "$CONNECTIONS" "$(echo "$rss_before / 1024" | bc -l)" \
  "$(echo "$(memory_kib "$NODE_PID" VmRSS) / 1024" | bc -l)" \
  "$(echo "$(memory_kib "$NODE_PID" VmHWM) / 1024" | bc -l)"
printf 'mined=%s seconds_to_all_mined=%.2f node_cpu_seconds=%s\n' "$(mined_txs)" \
  "$mined_seconds" "$(cpu_seconds "$NODE_PID")"
exit $status
