#!/usr/bin/env bash
# The main job: installs what is missing, builds (Release) and runs the tutorial's three-node
# scenario on loopback with real processes, narrating each step. Every node (and the wallet's
# `send`, a client of its own) writes a --trace-file; the run ends by drawing them as one
# sequence diagram (SVG and HTML in DEMO_OUT, default build/demo/, paths printed) and printing
# it as text, one line per message. Exits non-zero as soon as a step does not do what it should.
#
#   central 8000: creates the chain and makes two mined sends to the wallet node (3 blocks)
#   wallet  8001: starts with no chain and syncs; then, running, pays the miner through its RPC
#   miner   8002: starts with --miner, mines the wallet's transaction, announces the block
#
# DEMO_PORT (default 8000) moves the three nodes to DEMO_PORT, +1, +2.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"${JOBS:-2}" --target actorchain >/dev/null

bin=$PWD/build/actorchain
central=${DEMO_PORT:-8000}
wallet=$((central + 1))
miner=$((central + 2))
work=$(mktemp -d /tmp/actorchain-demo.XXXXXX)
out=${DEMO_OUT:-$PWD/build/demo}
mkdir -p "$out"
rm -f "$out"/*.jsonl
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() {
  echo "demo failed: $*" >&2
  for f in "$work"/*.log; do [[ -e $f ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}
ac() {  # ac NODE COMMAND ARGS...: a one-shot command for NODE
  local node=$1
  shift
  NODE_ID=$node "$bin" "$@" --datadir "$work/data"
}
start_node() {  # start_node NODE ARGS...: runs in the background, output in $work/NODE.log
  local node=$1
  shift
  NODE_ID=$node "$bin" startnode "$@" --datadir "$work/data" --connect "127.0.0.1:$central" \
    --trace-file "$out/$node.jsonl" >>"$work/$node.log" 2>&1 &
  pids+=($!)
  eval "pid_$node=$!"
}
stop_node() {
  local var="pid_$1"
  kill -TERM "${!var}"
  wait "${!var}" || fail "node $1 did not shut down cleanly"
}
await() {  # await NODE TEXT: until the node's log shows TEXT (30 s at most)
  local deadline=$((SECONDS + 30))
  until grep -qF -- "$2" "$work/$1.log" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "node $1 never logged '$2'"
    sleep 0.1
  done
}
expect() {
  [[ $2 == "$3" ]] || fail "$1 is '$2', expected '$3'"
  echo "   $1 = $2 (as expected)"
}

say "Wallets: one key for each node"
central_address=$(ac "$central" createwallet | tail -n1)
wallet_address=$(ac "$wallet" createwallet | tail -n1)
miner_address=$(ac "$miner" createwallet | tail -n1)
echo "   central $central: $central_address"
echo "   wallet  $wallet: $wallet_address"
echo "   miner   $miner: $miner_address"

say "Central $central creates the chain and pays the wallet node twice (blocks mined here)"
ac "$central" createblockchain --address "$central_address" | tail -n1
ac "$central" send --from "$central_address" --to "$wallet_address" --amount 2 --mine | tail -n1
ac "$central" send --from "$central_address" --to "$wallet_address" --amount 3 --mine | tail -n1

say "Central $central starts listening"
NODE_ID=$central "$bin" startnode --datadir "$work/data" --connect "127.0.0.1:$central" --trace-file "$out/$central.jsonl" \
  >>"$work/$central.log" 2>&1 &
pids+=($!)
pid_central=$!
eval "pid_$central=$pid_central"
await "$central" "listening on"

say "Wallet node $wallet starts with no chain and syncs from the central node"
start_node "$wallet"
await "$wallet" "new tip height=2"
stop_node "$wallet"
expect "wallet's balance" "$(ac "$wallet" getbalance --address "$wallet_address" | tail -n1)" \
  5.00000000

say "Miner $miner starts with --miner and syncs"
start_node "$miner" --miner "$miner_address" --min-txs 1
await "$miner" "new tip height=2"

say "The wallet node starts again; while it runs it pays the miner 1 coin through its RPC"
start_node "$wallet"
deadline=$((SECONDS + 30))  # its cookie appears once its RPC answers
until [[ -f $work/data/$wallet/.cookie ]]; do
  ((SECONDS < deadline)) || fail "node $wallet never wrote its RPC cookie"
  sleep 0.1
done
ac "$wallet" send --from "$wallet_address" --to "$miner_address" --amount 1

say "The wallet node relays it; the miner mines it; every node receives the block"
await "$miner" "mined block"
await "$central" "new tip height=3"
await "$wallet" "new tip height=3"

say "Every node shuts down cleanly"
stop_node "$wallet"
stop_node "$miner"
kill -TERM "$pid_central"
wait "$pid_central" || fail "node $central did not shut down cleanly"

say "The run as one sequence diagram: each message once, sender -> receiver, in causal order"
traces=("$out/$central.jsonl" "$out/$wallet.jsonl" "$out/$miner.jsonl")
"$bin" diagram --format mermaid "${traces[@]}" | sed 's/^/   /'
"$bin" diagram --out "$out/demo.svg" "${traces[@]}" >/dev/null || fail "diagram failed"
"$bin" diagram --format html --out "$out/demo.html" "${traces[@]}" >/dev/null ||
  fail "diagram failed"
echo "   diagram: $out/demo.svg (and $out/demo.html, filterable); traces: $out/*.jsonl"

say "Balances as each node sees them"
for node in "$central" "$wallet" "$miner"; do
  c=$(ac "$node" getbalance --address "$central_address" | tail -n1)
  w=$(ac "$node" getbalance --address "$wallet_address" | tail -n1)
  m=$(ac "$node" getbalance --address "$miner_address" | tail -n1)
  echo "   node $node: central=$c wallet=$w miner=$m"
  expect "node $node: central's balance" "$c" 25.00000000  # 30 mined - 5 sent
  expect "node $node: wallet's balance" "$w" 4.00000000   # 5 received - 1 sent
  expect "node $node: miner's balance" "$m" 11.00000000   # 1 received + 10 reward
  ac "$node" verifychain >/dev/null || fail "verifychain failed on node $node"
done

say "Demo finished: every node agrees, and every step did what it should"
