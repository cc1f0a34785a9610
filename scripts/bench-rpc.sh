#!/usr/bin/env bash
# JSON-RPC benchmark: getblockcount from 1 and from 8 concurrent keep-alive clients against a
# running node on a small quick chain (requests/s, p50/p99 latency), then ROUNDS round trips of
# sendtoaddress + generatetoaddress 1 (a payment from the node's wallet mined into a block).
# Usage: scripts/bench-rpc.sh [seconds per run, default 5] [rounds, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-200}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target actorchain rpc_load >/dev/null
ACTORCHAIN=$PWD/build/actorchain
LOAD=$PWD/build/bench/rpc_load

dir=$(mktemp -d)
node_pid=
cleanup() {
  if [[ -n $node_pid ]]; then kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
node_id=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export NODE_ID=$node_id
address=$("$ACTORCHAIN" --chain quick --datadir "$dir" createwallet | tail -n1)
"$ACTORCHAIN" --chain quick --datadir "$dir" createblockchain --address "$address" >/dev/null
"$ACTORCHAIN" --chain quick --datadir "$dir" startnode --rpc-port 0 --connect 127.0.0.1:1 \
  >"$dir/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 100); do grep -q "rpc server bound to" "$dir/node.log" && break; sleep 0.1; done
port=$(grep -o "rpc server bound to 127.0.0.1:[0-9]*" "$dir/node.log" | grep -o "[0-9]*$")
cookie=$(cat "$dir/$node_id/.cookie")
"$ACTORCHAIN" --chain quick --datadir "$dir" --rpc-port "$port" rpc generatetoaddress 10 "$address" >/dev/null
"$LOAD" --port "$port" --credentials "$cookie" --clients 1 --seconds "$seconds"
"$LOAD" --port "$port" --credentials "$cookie" --clients 8 --seconds "$seconds"
"$LOAD" --port "$port" --credentials "$cookie" --round-trips "$rounds" --address "$address"
