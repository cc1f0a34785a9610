#!/usr/bin/env bash
# Network benchmark (issue 11): NODES nodes (default 100), each in its own network namespace with
# its own address (10.77.0.N on a bridge, veth pairs) and DELAY_MS (25) added to everything it
# sends (tc netem), so any two nodes are 2 x DELAY_MS apart in round trip. Node 1 holds a chain
# of BLOCKS (1,000) blocks and runs with --connect none; every other node starts empty with
# --connect 10.77.0.1:8333. Reports:
#   - connections per node once synced (min / median / max);
#   - the time until all nodes synced the chain;
#   - propagation of PROPAGATION (20) blocks mined one at a time at random nodes (RPC
#     generatetoaddress): from the miner's "new tip" to every other node's, p50 / p95 / max;
#   - a transaction's time from a wallet node (send, handed to a random node) to the miner;
#   - resident memory per idle node with its peers (min / median / max);
#   - churn: kill -9 CHURN (20) random nodes, mine a block, restart them: the time until all
#     nodes are at that block.
#
#   sudo scripts/bench-network.sh     # env: NODES BLOCKS DELAY_MS PROPAGATION CHURN TIMEOUT KEEP=1
# Needs root (ip netns, tc). Every namespace, link and process it made is removed on exit,
# also on failure or Ctrl-C. Exit status: 0 when every step completed, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
NODES=${NODES:-100}
BLOCKS=${BLOCKS:-1000}
DELAY_MS=${DELAY_MS:-25}
PROPAGATION=${PROPAGATION:-20}
CHURN=${CHURN:-20}
TIMEOUT=${TIMEOUT:-300}
PORT=8333
TAG=acb$$ # prefix of every namespace and link of this run

if [[ $(id -u) -ne 0 ]]; then
  echo "bench-network.sh needs root (network namespaces, tc)" >&2
  exit 1
fi
((NODES >= 2 && NODES <= 250)) || {
  echo "NODES must be 2..250" >&2
  exit 1
}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DACTORCHAIN_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target actorchain make_bench_chain >/dev/null
ACTORCHAIN=${ACTORCHAIN:-$BUILD/actorchain}
MAKE_CHAIN=$BUILD/bench/make_bench_chain

RUN=$(mktemp -d "${TMPDIR:-/tmp}/bench-network.XXXXXX")
declare -A PID # node number -> pid
BRIDGE=${TAG}br

cleanup() {
  set +e
  for n in "${!PID[@]}"; do kill -9 "${PID[$n]}" 2>/dev/null; done
  for n in "${!PID[@]}"; do wait "${PID[$n]}" 2>/dev/null; done
  for ns in $(ip netns list | awk -v tag="$TAG-" 'index($1, tag) == 1 { print $1 }'); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns"
  done
  ip link del "$BRIDGE" 2>/dev/null
  if [[ -z ${KEEP:-} ]]; then rm -rf "$RUN"; else echo "run folder kept: $RUN"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ns() { echo "$TAG-$1"; }
# The actorchain process of node N (`ip netns exec` may run it as a child of its own).
node_pid() {
  local p
  for p in $(ip netns pids "$(ns "$1")"); do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == actorchain ]] && echo "$p" && return 0
  done
  return 1
}
# Signals node N and waits for it to exit.
signal_node() {
  local n=$1 signal=$2 p
  p=$(node_pid "$n") && kill "-$signal" "$p"
  wait "${PID[$n]}" 2>/dev/null || true
  unset "PID[$n]"
}
ip_of() { echo "10.77.0.$1"; }
node_cmd() { # node_cmd N args...: actorchain for node N inside its namespace
  local n=$1
  shift
  ip netns exec "$(ns "$n")" env NODE_ID=$PORT "$ACTORCHAIN" --chain quick --datadir "$RUN/n$n" "$@"
}

# ---- the network --------------------------------------------------------------------------
ip link add "$BRIDGE" type bridge
ip link set "$BRIDGE" up
# Some kernels (containers, minimal VMs) lack sch_netem: the run then goes on without added
# delay and says so, rather than measuring nothing.
if ((DELAY_MS > 0)) && ! tc qdisc add dev "$BRIDGE" root netem delay 1ms 2>/dev/null; then
  echo "note: this kernel has no netem qdisc (tc: 'Specified qdisc kind is unknown'): no delay added" >&2
  DELAY_MS=0
fi
tc qdisc del dev "$BRIDGE" root 2>/dev/null || true
for ((n = 1; n <= NODES; n++)); do
  ip netns add "$(ns "$n")"
  ip link add "${TAG}v$n" type veth peer name eth0 netns "$(ns "$n")"
  ip link set "${TAG}v$n" master "$BRIDGE" up
  ip -n "$(ns "$n")" addr add "$(ip_of "$n")/24" dev eth0
  ip -n "$(ns "$n")" link set eth0 up
  ip -n "$(ns "$n")" link set lo up
  if ((DELAY_MS > 0)); then
    ip netns exec "$(ns "$n")" tc qdisc add dev eth0 root netem delay "${DELAY_MS}ms" limit 100000
  fi
done
echo "network: $NODES namespaces on bridge $BRIDGE, ${DELAY_MS} ms added to what each node sends"

# ---- the chain and the nodes --------------------------------------------------------------
mkdir -p "$RUN/n1/$PORT"
"$MAKE_CHAIN" build --store "$RUN/n1/$PORT/chainstate" --export "$RUN/blocks.bin" \
  --blocks "$BLOCKS" --txs 1 >"$RUN/chain.log"
TIP_HEIGHT=$BLOCKS
PAYOUT=$(NODE_ID=1 "$ACTORCHAIN" --chain quick --datadir "$RUN/payout" createwallet | tail -n1)
MINER=$((NODES / 2 + 1)) # the node that mines the wallet's transaction
WALLET=$NODES
MINER_ADDRESS=$(node_cmd "$MINER" createwallet | tail -n1)
WALLET_ADDRESS=$(node_cmd "$WALLET" createwallet | tail -n1)

start_node() { # start_node N: appends to its log
  local n=$1 args=(startnode --listen "$(ip_of "$1")")
  if ((n == 1)); then args+=(--connect none); else args+=(--connect "$(ip_of 1):$PORT"); fi
  if ((n == MINER)); then args+=(--miner "$MINER_ADDRESS" --min-txs 1); fi
  node_cmd "$n" "${args[@]}" >>"$RUN/n$n.log" 2>&1 &
  PID[$n]=$!
}

# Seconds of the day of a log line's HH:MM:SS.mmm.
line_seconds() { awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'; }
# Waits until every node in $2... logged the fixed string $1; fails after TIMEOUT.
wait_all() {
  local text=$1 deadline=$((SECONDS + TIMEOUT)) n
  shift
  for n in "$@"; do
    until grep -qF -- "$text" "$RUN/n$n.log" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        echo "node $n never logged '$text'; its last lines:" >&2
        tail -5 "$RUN/n$n.log" >&2
        return 1
      fi
      sleep 0.1
    done
  done
}
# p50 p95 max of numbers on stdin.
percentiles() {
  sort -g | awk '{ v[NR] = $1 } END {
    i50 = int(NR * 0.50 + 0.999); i95 = int(NR * 0.95 + 0.999);
    printf "%s %s %s\n", v[i50 < 1 ? 1 : i50], v[i95 < 1 ? 1 : i95], v[NR] }'
}
ALL=$(seq 1 "$NODES")

start_node 1
wait_all "listening on" 1
start=$(date +%s.%N)
for ((n = 2; n <= NODES; n++)); do start_node "$n"; done
wait_all "height=$TIP_HEIGHT " $ALL
sync_seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "sync: all $NODES nodes at height $TIP_HEIGHT after ${sync_seconds} s"

# Connections: each node's last "..., N in all" once the slots had time to fill.
sleep 5
read -r conn_min conn_median conn_max < <(for n in $ALL; do
  grep -o '[0-9]* in all' "$RUN/n$n.log" | tail -1 | cut -d' ' -f1
done | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }')
echo "connections per node: min $conn_min, median $conn_median, max $conn_max"

# ---- propagation --------------------------------------------------------------------------
delays=$RUN/delays
: >"$delays"
for ((b = 1; b <= PROPAGATION; b++)); do
  n=$((RANDOM % NODES + 1))
  height=$((TIP_HEIGHT + 1))
  node_cmd "$n" rpc generatetoaddress 1 "$PAYOUT" >/dev/null
  wait_all "new tip height=$height " $ALL
  mined=$(grep -F "new tip height=$height " "$RUN/n$n.log" | head -1 | line_seconds)
  for m in $ALL; do
    ((m == n)) && continue
    arrived=$(grep -F "new tip height=$height " "$RUN/n$m.log" | head -1 | line_seconds)
    echo "($arrived - $mined) * 1000" | bc >>"$delays"
  done
  TIP_HEIGHT=$height
done
read -r p50 p95 pmax < <(percentiles <"$delays")
echo "propagation of $PROPAGATION blocks to $((NODES - 1)) nodes each: p50 ${p50} ms, p95 ${p95} ms, max ${pmax} ms"

# ---- memory -------------------------------------------------------------------------------
read -r rss_min rss_median rss_max < <(for n in $ALL; do
  awk '/VmRSS/ { print $2 }' "/proc/$(node_pid "$n")/status"
done | sort -n | awk '{ v[NR] = $1 / 1024 } END { printf "%.1f %.1f %.1f\n", v[1], v[int((NR + 1) / 2)], v[NR] }')
echo "resident memory per node: min ${rss_min} MiB, median ${rss_median} MiB, max ${rss_max} MiB"

# ---- a transaction from the wallet node to the miner ---------------------------------------
node_cmd 1 rpc generatetoaddress 1 "$WALLET_ADDRESS" >/dev/null
TIP_HEIGHT=$((TIP_HEIGHT + 1))
wait_all "new tip height=$TIP_HEIGHT " "$WALLET" "$MINER"
signal_node "$WALLET" TERM
target=$((RANDOM % (NODES - 2) + 2))
[[ $target == "$MINER" ]] && target=1
start=$(date +%s.%N)
txid=$(node_cmd "$WALLET" send --from "$WALLET_ADDRESS" --to "$MINER_ADDRESS" --amount 1 \
  --connect "$(ip_of "$target"):$PORT" | tail -n1)
wait_all "accepted tx $txid" "$MINER"
tx_ms=$(echo "($(date +%s.%N) - $start) * 1000" | bc | cut -d. -f1)
echo "transaction: wallet node $WALLET -> node $target -> miner (node $MINER): ${tx_ms} ms"
wait_all "mined block" "$MINER"
TIP_HEIGHT=$((TIP_HEIGHT + 1))
start_node "$WALLET"
wait_all "new tip height=$TIP_HEIGHT " $ALL

# ---- churn --------------------------------------------------------------------------------
victims=$(seq 2 "$NODES" | grep -vx "$MINER" | shuf -n "$CHURN")
for n in $victims; do signal_node "$n" KILL; done
start=$(date +%s.%N)
node_cmd 1 rpc generatetoaddress 1 "$PAYOUT" >/dev/null
TIP_HEIGHT=$((TIP_HEIGHT + 1))
for n in $victims; do start_node "$n"; done
wait_all "height=$TIP_HEIGHT " $ALL
churn_seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "churn: $CHURN nodes killed (-9) and restarted; all $NODES at the new tip after ${churn_seconds} s"
