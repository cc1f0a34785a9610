#!/usr/bin/env bash
# Network benchmark (issue 11): NODES nodes (default 100), each in its own network namespace with
# its own address (10.77.0.N, veth pairs) and DELAY_MS (25) added to every frame on its way from
# one node to another, so any two nodes are 2 x DELAY_MS apart in round trip. Node 1 holds a chain
# of BLOCKS (1,000) blocks and runs with --connect none; every other node starts empty with
# --connect 10.77.0.1:8333. Reports:
#   - the links: ping round trip and TCP throughput between two nodes;
#   - connections per node once synced (min / median / max);
#   - the time until all nodes synced the chain;
#   - propagation of PROPAGATION (20) blocks mined one at a time at random nodes (RPC
#     generatetoaddress): from the miner's "new tip" to every other node's, p50 / p95 / max;
#   - a transaction's time from a wallet node (send, handed to a random node) to the miner;
#   - resident memory per idle node with its peers (min / median / max);
#   - churn: kill -9 CHURN (20) random nodes, mine a block, restart them: the time until all
#     nodes are at that block.
#
# LINK chooses what joins the namespaces:
#   switch (default)  bench/network/delay_switch, a user-space Ethernet switch that holds every
#                     frame DELAY_MS before forwarding it. This machine's kernel has no sch_netem
#                     (nor fq), so `tc ... netem delay` cannot add the delay; the switch can.
#   bridge            a Linux bridge, with `tc netem` on each node's eth0 when the kernel has it,
#                     else no delay (the script says so).
#
#   sudo scripts/bench-network.sh     # env: NODES BLOCKS DELAY_MS LINK PROPAGATION CHURN TIMEOUT
#                                     #      TRACE=1 (--trace-file per node) KEEP=1 (keep the logs,
#                                     #      and the smaps of the bootstrap and the largest node)
# Needs root (ip netns, tc, ethtool). Every namespace, link and process it made (the switch too) is
# removed on exit, also on failure or Ctrl-C. Exit status: 0 when every step completed, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
NODES=${NODES:-100}
BLOCKS=${BLOCKS:-1000}
DELAY_MS=${DELAY_MS:-25}
PROPAGATION=${PROPAGATION:-20}
CHURN=${CHURN:-20}
TIMEOUT=${TIMEOUT:-300}
LINK=${LINK:-switch}
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
[[ $LINK == switch || $LINK == bridge ]] || {
  echo "LINK must be switch or bridge" >&2
  exit 1
}
if [[ $LINK == switch ]] && ! command -v ethtool >/dev/null; then
  echo "LINK=switch needs ethtool (scripts/install-deps.sh)" >&2
  exit 1
fi

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DACTORCHAIN_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target actorchain make_bench_chain delay_switch >/dev/null
ACTORCHAIN=${ACTORCHAIN:-$BUILD/actorchain}
MAKE_CHAIN=$BUILD/bench/make_bench_chain
DELAY_SWITCH=$BUILD/bench/delay_switch

RUN=$(mktemp -d "${TMPDIR:-/tmp}/bench-network.XXXXXX")
declare -A PID # node number -> pid
BRIDGE=${TAG}br
SWITCH_PID=
BACKLOG= # net.core.netdev_max_backlog before the run, restored on exit
NEIGH=() # net.ipv4.neigh.default.gc_thresh1..3 before the run, restored on exit

# Frames the kernel dropped since boot because a CPU's input backlog was full (all CPUs).
backlog_drops() {
  local n=0 processed dropped rest
  while read -r processed dropped rest; do n=$((n + 16#$dropped)); done </proc/net/softnet_stat
  echo "$n"
}

cleanup() {
  set +e
  for n in "${!PID[@]}"; do kill -9 "${PID[$n]}" 2>/dev/null; done
  for n in "${!PID[@]}"; do wait "${PID[$n]}" 2>/dev/null; done
  if [[ -n $SWITCH_PID ]]; then
    kill -TERM "$SWITCH_PID" 2>/dev/null
    wait "$SWITCH_PID" 2>/dev/null
    grep -h '^delay_switch:' "$RUN/switch.log" >&2
  fi
  for i in "${!NEIGH[@]}"; do sysctl -qw "net.ipv4.neigh.default.gc_thresh$((i + 1))=${NEIGH[$i]}"; done
  if [[ -n $BACKLOG ]]; then
    echo "frames dropped by full input backlogs during the run: $(($(backlog_drops) - DROPS_BEFORE))" >&2
    sysctl -qw "net.core.netdev_max_backlog=$BACKLOG"
  fi
  for ns in $(ip netns list | awk -v tag="$TAG-" 'index($1, tag) == 1 { print $1 }'); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns"
  done
  for link in $(ip -o link show | awk -F': ' -v tag="${TAG}v" 'index($2, tag) == 1 { sub(/@.*/, "", $2); print $2 }'); do
    ip link del "$link" 2>/dev/null
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
# The kernel keeps one ARP table for all namespaces, 1,024 entries at most by default: 100 nodes
# with a dozen peers each overflow it, and a node then cannot reach new peers ("No route to
# host", connect timeouts). Up to NODES x NODES entries for the run; restored on exit.
for i in 1 2 3; do NEIGH+=("$(sysctl -n "net.ipv4.neigh.default.gc_thresh$i")"); done
sysctl -qw net.ipv4.neigh.default.gc_thresh1=$((NODES * NODES / 4)) \
  net.ipv4.neigh.default.gc_thresh2=$((NODES * NODES / 2)) \
  net.ipv4.neigh.default.gc_thresh3=$((NODES * NODES + 1024))
if [[ $LINK == bridge ]]; then
  ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" up
  # Some kernels (containers, minimal VMs) lack sch_netem: the run then goes on without added
  # delay and says so, rather than measuring nothing.
  if ((DELAY_MS > 0)) && ! tc qdisc add dev "$BRIDGE" root netem delay 1ms 2>/dev/null; then
    echo "note: this kernel has no netem qdisc: no delay added (LINK=switch adds it)" >&2
    DELAY_MS=0
  fi
  tc qdisc del dev "$BRIDGE" root 2>/dev/null || true
fi
for ((n = 1; n <= NODES; n++)); do
  ip netns add "$(ns "$n")"
  ip link add "${TAG}v$n" type veth peer name eth0 netns "$(ns "$n")"
  ip -n "$(ns "$n")" addr add "$(ip_of "$n")/24" dev eth0
  ip -n "$(ns "$n")" link set lo up
  if [[ $LINK == bridge ]]; then
    ip link set "${TAG}v$n" master "$BRIDGE" up
    ip -n "$(ns "$n")" link set eth0 up
    if ((DELAY_MS > 0)); then
      ip netns exec "$(ns "$n")" tc qdisc add dev eth0 root netem delay "${DELAY_MS}ms" limit 100000
    fi
  else
    # The switch reads and writes whole frames: no offloaded checksums or segmentation (frames
    # larger than the MTU), and no IPv6 chatter (router solicitations, MLD) to flood.
    sysctl -qw "net.ipv6.conf.${TAG}v$n.disable_ipv6=1"
    ip netns exec "$(ns "$n")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ethtool -K "${TAG}v$n" tx off tso off gso off gro off >/dev/null 2>&1
    ip netns exec "$(ns "$n")" ethtool -K eth0 tx off tso off gso off gro off >/dev/null 2>&1
    ip link set "${TAG}v$n" up
    ip -n "$(ns "$n")" link set eth0 up
  fi
done
if [[ $LINK == switch ]]; then
  # Every frame the switch writes enters its namespace through the writing CPU's input backlog
  # (1,000 frames by default); a burst (one broadcast is NODES - 1 frames, the delay releases
  # frames in bunches) overflows it while the machine is busy, and dropped SYNs and ARP
  # requests then look like unreachable nodes. The run raises the limit and restores it on exit.
  BACKLOG=$(sysctl -n net.core.netdev_max_backlog)
  DROPS_BEFORE=$(backlog_drops)
  sysctl -qw net.core.netdev_max_backlog=100000
  "$DELAY_SWITCH" --delay-ms "$DELAY_MS" $(for ((n = 1; n <= NODES; n++)); do echo "${TAG}v$n"; done) \
    >"$RUN/switch.log" 2>&1 &
  SWITCH_PID=$!
  until grep -qs '^ready' "$RUN/switch.log"; do
    kill -0 "$SWITCH_PID" 2>/dev/null || {
      cat "$RUN/switch.log" >&2
      exit 1
    }
    sleep 0.05
  done
  echo "network: $NODES namespaces on the delay switch, ${DELAY_MS} ms added to each frame"
else
  echo "network: $NODES namespaces on bridge $BRIDGE, ${DELAY_MS} ms added to what each node sends"
fi

# The links as the nodes will see them: round trip (after one ping that resolves the address)
# and one TCP stream's throughput, node 1 -> node 2.
ip netns exec "$(ns 1)" ping -q -c 1 "$(ip_of 2)" >/dev/null
rtt=$(ip netns exec "$(ns 1)" ping -q -c 10 -i 0.1 "$(ip_of 2)" | awk -F'[/ ]' '/^rtt/ { print $7 "/" $8 "/" $9 }')
ip netns exec "$(ns 2)" python3 "$ROOT/bench/network/throughput.py" serve 9000 >"$RUN/throughput" &
probe=$!
ip netns exec "$(ns 1)" python3 "$ROOT/bench/network/throughput.py" send "$(ip_of 2)" 9000 32
wait "$probe"
echo "links: ping round trip min/avg/max ${rtt} ms; one TCP stream $(cut -d' ' -f1 "$RUN/throughput") MB/s"

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
  if [[ -n ${TRACE:-} ]]; then args+=(--trace-file "$RUN/n$n.trace"); fi
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
# "new tip", not just "height=": a peer's version line carries its height too.
wait_all "new tip height=$TIP_HEIGHT " $(seq 2 "$NODES")
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
# VmRSS counts every page the node has mapped, the binary's and its libraries' too (shared by
# all nodes: each counts them whole); RssAnon is the node's own memory; PSS divides each shared
# page among the processes that map it, so it is what the node adds to the machine.
rss_mib() { awk -v key="$2:" '$1 == key { printf "%.1f\n", $2 / 1024 }' "/proc/$(node_pid "$1")/status"; }
pss_mib() { awk '$1 == "Pss:" { printf "%.1f\n", $2 / 1024 }' "/proc/$(node_pid "$1")/smaps_rollup"; }
min_median_max() { sort -g | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }'; }
memory=$RUN/memory # node VmRSS RssAnon PSS, one line per node but the bootstrap
for n in $(seq 2 "$NODES"); do echo "$n $(rss_mib "$n" VmRSS) $(rss_mib "$n" RssAnon) $(pss_mib "$n")"; done >"$memory"
read -r rss_min rss_median rss_max < <(cut -d' ' -f2 "$memory" | min_median_max)
read -r own_min own_median own_max < <(cut -d' ' -f3 "$memory" | min_median_max)
read -r pss_min pss_median pss_max < <(cut -d' ' -f4 "$memory" | min_median_max)
read -r max_node max_rss max_own max_pss < <(sort -k2,2g "$memory" | tail -1)
role() { if (($1 == MINER)); then echo ", the miner"; elif (($1 == WALLET)); then echo ", the wallet node"; fi; }
echo "resident memory per node: min ${rss_min} MiB, median ${rss_median} MiB, max ${rss_max} MiB" \
  "(own, RssAnon: ${own_min} / ${own_median} / ${own_max} MiB; PSS: ${pss_min} / ${pss_median} / ${pss_max} MiB);" \
  "the largest: node ${max_node}$(role "$max_node") (own ${max_own} MiB, PSS ${max_pss} MiB);" \
  "the bootstrap node (every node's first peer) $(rss_mib 1 VmRSS) MiB (own $(rss_mib 1 RssAnon) MiB, PSS $(pss_mib 1) MiB)"
if [[ -n ${KEEP:-} ]]; then
  for n in 1 "$max_node"; do cp "/proc/$(node_pid "$n")/smaps" "$RUN/n$n.smaps"; done
fi

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
# The network's part: from the node the wallet handed it to, to the miner (the rest is the
# CLI starting, opening its wallet and store, and its handshake).
entered=$(grep -F "accepted tx $txid" "$RUN/n$target.log" | head -1 | line_seconds)
mined_in=$(grep -F "accepted tx $txid" "$RUN/n$MINER.log" | head -1 | line_seconds)
relay_ms=$(echo "($mined_in - $entered) * 1000" | bc | cut -d. -f1)
echo "transaction: wallet node $WALLET -> node $target -> miner (node $MINER): ${tx_ms} ms from" \
  "starting \`send\`, ${relay_ms} ms from node $target accepting it to the miner"
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
wait_all "new tip height=$TIP_HEIGHT " $ALL
churn_seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "churn: $CHURN nodes killed (-9) and restarted; all $NODES at the new tip after ${churn_seconds} s"
