#!/usr/bin/env bash
# Sync benchmark at one or more chain lengths, in one run: for each length a fresh node syncs the
# chain (coinbase + TXS P2PKH txs a block) from a node that holds it over loopback, and the same
# blocks are fed to a fresh ChainState in-process (the local connect rate); the first length is
# also synced through a proxy adding DELAY_MS each way. The 2-core signature verification limit
# is measured at the start of the same run.
#
#   scripts/bench-sync.sh [BLOCKS...]  # default 10000; e.g. 10000 99998 (the most the genesis
#                                      # reward funds at 10 txs a block)
#                                      # env: TXS=10 DELAY_MS=25 TIMEOUT=900 DBCACHE=MB
#                                      #      SKIP_PROXY=1, KEEP=1 (keep the run folder)
#                                      #      PERF=1: perf record -g the syncing node (perf-*.data)
#                                      #      ACTORCHAIN=path, MAKE_CHAIN=path: other binaries
#                                      #      TRACE=1: the loopback runs traced, then drawn (timed)
# Reported per length: seconds, blocks/s and txs/s; CPU seconds of the process (all threads)
# and CPU ms per block; peak resident memory (VmHWM) of the syncing node (of the whole
# make_bench_chain process for the local connect); sync vs local; local vs the signature limit.
# Exit status: 0 when every sync reached the tip, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
SIZES=("$@")
if ((${#SIZES[@]} == 0)); then SIZES=("${BLOCKS:-10000}"); fi
TXS=${TXS:-10}
DELAY_MS=${DELAY_MS:-25}
TIMEOUT=${TIMEOUT:-900}
NODE_OPTIONS=()
if [[ -n ${DBCACHE:-} ]]; then NODE_OPTIONS+=(--dbcache "$DBCACHE"); fi

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DACTORCHAIN_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target actorchain make_bench_chain >/dev/null
ACTORCHAIN=${ACTORCHAIN:-$BUILD/actorchain}
MAKE_CHAIN=${MAKE_CHAIN:-$BUILD/bench/make_bench_chain}

# The chain is rebuilt only when what shapes it changes: the builder's code (and the tools'
# shared block mining), the parameters,
# the store's on-disk layout (the cached chainstate is copied to the serving node), the length
# and the transactions per block. Sets CACHE.
prepare_chain() {
  local blocks=$1 key
  key=$(cat <(sed -n '/^Status build(/,/^Status connect(/p' "$ROOT/bench/sync/make_chain.cpp") \
    "$ROOT/tests/tools/tool_support.cpp" "$ROOT/chain/params.cpp" \
    <(grep -h 'kStoreLayoutVersion =' "$ROOT/chain/block_files.hpp") \
    <(echo "$blocks $TXS") | sha256sum | cut -c1-16)
  CACHE=$BUILD/bench-sync/chain-$key
  if [[ ! -f $CACHE/done || ! -s $CACHE/tip ]]; then
    rm -rf "$CACHE"
    mkdir -p "$CACHE"
    echo "building the chain ($blocks blocks, $TXS txs each) in $CACHE"
    "$MAKE_CHAIN" build --store "$CACHE/chainstate" --export "$CACHE/blocks.bin" \
      --blocks "$blocks" --txs "$TXS" | tee "$CACHE/build.log"
    sed -n 's/.* tip=\([0-9a-f]*\) .*/\1/p' "$CACHE/build.log" >"$CACHE/tip"
    touch "$CACHE/done"
  fi
}

mkdir -p "$BUILD/bench-sync"
RUN=$(mktemp -d "$BUILD/bench-sync/run.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z ${KEEP:-} ]]; then rm -rf "$RUN"; else echo "run folder kept: $RUN"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

source "$ROOT/scripts/bench-lib.sh"

now() { date +%s.%N; }

# The HH:MM:SS.mmm that starts a log line on stdin, as seconds of the day.
clock_seconds() {
  awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'
}

# CPU seconds per thread name, e.g. "caf.actor=4.10 actorchain=1.80": which threads did the work.
cpu_by_thread() {
  local hz task
  hz=$(getconf CLK_TCK)
  for task in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$task/comm")" "$(awk '{ print $14 + $15 }' "$task/stat")"
  done | awk -v hz="$hz" '{ t[$1] += $2 } END { for (n in t) printf "%s=%.2f ", n, t[n] / hz }'
}

# Peak resident memory of a running process, in MiB.
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Samples the process's own memory (RssAnon: heap and stacks, not the binary's and libraries'
# pages, which RSS also counts) every 0.1 s while it runs and keeps the highest, in KiB, in FILE.
sample_peak_anon() {
  local pid=$1 file=$2 peak=0 key value rest
  echo 0 >"$file"
  while [[ -r /proc/$pid/status ]]; do
    while read -r key value rest; do
      if [[ $key == RssAnon: ]] && ((value > peak)); then
        peak=$value
        echo "$peak" >"$file"
      fi
    done 2>/dev/null <"/proc/$pid/status" || true
    sleep 0.1
  done
}

# Syncs a fresh node from a copy of the cached chain of $2 blocks; through a delay proxy when
# $1 = proxy. Sets RESULT to "seconds log_seconds sync_cpu_seconds source_cpu_seconds
# sync_peak_rss_mib sync_peak_anon_mib sync_durable_cpu_seconds". Runs in this shell (not in $(...)) so that PIDS reaches the cleanup trap.
run_sync() {
  local mode=$1 BLOCKS=$2 dir=$RUN/$1-$2
  local source_port sync_port target_port proxy_pid=""
  source_port=$(free_port)
  sync_port=$(free_port)
  mkdir -p "$dir/source/$source_port" "$dir/sync"
  cp -r "$CACHE/chainstate" "$dir/source/$source_port/chainstate"

  # TRACE=1: both nodes of the loopback run write trace files, drawn afterwards (timed).
  local source_trace=() sync_trace=()
  if [[ -n ${TRACE:-} && $mode == loopback ]]; then
    source_trace=(--trace-file "$dir/source.jsonl")
    sync_trace=(--trace-file "$dir/sync.jsonl")
  fi
  NODE_ID=$source_port "$ACTORCHAIN" --chain quick --datadir "$dir/source" startnode --rpc-port 0 \
    --connect none --max-outbound 0 "${source_trace[@]}" >"$dir/source.log" 2>&1 &
  local source_pid=$!
  PIDS+=($source_pid)
  wait_for "$dir/source.log" "listening on" 30 || {
    echo "source node did not start" >&2
    cat "$dir/source.log" >&2
    return 1
  }
  target_port=$source_port
  if [[ $mode == proxy ]]; then
    python3 "$ROOT/bench/sync/delay_proxy.py" --target-port "$source_port" --delay-ms "$DELAY_MS" \
      --port-file "$dir/proxy.port" >"$dir/proxy.log" 2>&1 &
    proxy_pid=$!
    PIDS+=($proxy_pid)
    wait_for "$dir/proxy.port" "" 10 && [[ -s $dir/proxy.port ]] || {
      echo "proxy did not start" >&2
      return 1
    }
    target_port=$(cat "$dir/proxy.port")
  fi

  local log=$dir/sync.log start end
  start=$(now)
  # The node runs under a subshell that records its CPU time once it has exited (bash's
  # `times`: the reaped children's), so the coins it writes at shutdown are counted too.
  (
    NODE_ID=$sync_port "$ACTORCHAIN" --chain quick --datadir "$dir/sync" startnode \
      --rpc-port 0 --connect "127.0.0.1:$target_port" "${sync_trace[@]}" \
      ${NODE_OPTIONS[@]+"${NODE_OPTIONS[@]}"} >"$log" 2>&1 &
    echo $! >"$dir/sync.pid"
    wait $!
    times >"$dir/sync.times"
  ) &
  local sync_wrapper=$!
  PIDS+=($sync_wrapper)
  wait_for "$dir/sync.pid" "" 10 || return 1
  local sync_pid
  sync_pid=$(cat "$dir/sync.pid")
  PIDS+=($sync_pid)
  sample_peak_anon "$sync_pid" "$dir/anon.peak" &
  PIDS+=($!)
  local perf_pid=""
  if [[ -n ${PERF:-} ]]; then
    # Attached once the node runs: perf attached before the exec samples nothing.
    wait_for "$log" "listening on" 10 || true
    perf record -q -e cpu-clock -g -F 499 -p "$sync_pid" -o "$BUILD/bench-sync/perf-$mode-$BLOCKS.data" \
      >/dev/null 2>&1 &
    perf_pid=$!
  fi
  if ! wait_for "$log" "new tip height=$BLOCKS hash=$(cat "$CACHE/tip")" "$TIMEOUT"; then
    echo "$mode sync did not reach height $BLOCKS within ${TIMEOUT}s; last tip:" >&2
    grep "new tip" "$log" | tail -1 >&2 || true
    return 1
  fi
  end=$(now)
  local sync_cpu source_cpu sync_rss sync_anon
  sync_cpu=$(cpu_seconds "$sync_pid")
  sync_rss=$(peak_rss_mib "$sync_pid")
  sync_anon=$(awk '{ printf "%.1f", $1 / 1024 }' "$dir/anon.peak")
  echo "$mode: syncing node CPU s by thread: $(cpu_by_thread "$sync_pid")" >&2
  source_cpu=$(cpu_seconds "$source_pid")
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
  fi
  # Every log line starts with its time: the sync runs from the node's first line (listening,
  # about to connect) to the line of the final tip; process start and store opening are not
  # part of it, as the local connect's timing leaves out opening its store.
  local first last
  first=$(head -1 "$log" | clock_seconds)
  last=$(grep -m1 -F "new tip height=$BLOCKS " "$log" | clock_seconds)
  # Idle nodes still cost CPU: stop this run's processes before the next one.
  local pid
  for pid in $sync_pid $source_pid $proxy_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $sync_wrapper $source_pid $proxy_pid; do wait "$pid" 2>/dev/null || true; done
  # The children's line of `times` ("0m7.690s 0m0.512s"): user + system, shutdown included.
  local durable_cpu
  durable_cpu=$(tail -1 "$dir/sync.times" | tr 'ms' '  ' |
    awk '{ printf "%.2f", $1 * 60 + $2 + $3 * 60 + $4 }')
  if ((${#sync_trace[@]} > 0)); then
    local drawn=$BUILD/bench-sync/sync-diagram-$BLOCKS.svg drawing_start
    drawing_start=$(now)
    "$ACTORCHAIN" diagram --out "$drawn" "$dir/source.jsonl" "$dir/sync.jsonl" >/dev/null
    printf 'diagram of the %s-block sync: %.2f s to draw, %s bytes (%s lines of traces): %s\n' \
      "$BLOCKS" "$(echo "$(now) - $drawing_start" | bc -l)" "$(stat -c %s "$drawn")" \
      "$(cat "$dir/source.jsonl" "$dir/sync.jsonl" | wc -l)" "$drawn" >&2
  fi
  RESULT="$(echo "$end - $start" | bc -l) $(echo "$last - $first" | bc -l) $sync_cpu $source_cpu"
  RESULT+=" $sync_rss $sync_anon $durable_cpu"
}

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: prefer the CPU and memory columns)"
prepare_chain "${SIZES[0]}"
sig_line=$("$MAKE_CHAIN" sigrate --import "$CACHE/blocks.bin" --threads 2 | tail -1)
echo "$sig_line"
sig_rate=$(field "$sig_line" checks_per_s)
sig_cpu_rate=$(field "$sig_line" checks_per_cpu_s)

status=0
ROWS=()
# vs sigs: the local connect's non-coinbase txs (one input each) per second against the 2-core
# signature limit; "cpu" the same by CPU time (signature CPU per check / connect CPU per tx),
# which a loaded machine disturbs less.
# durable: CPU until the coins still cached are written too (the local connect's flush, the
# node's shutdown): a chain too short to fill the coins cache has written none of them.
row() {  # name blocks txs seconds cpu_seconds durable_cpu rss_mib anon_mib [local_s wall_s]
  local name=$1 blocks=$2 txs=$3 seconds=$4 cpu=$5 durable=$6 rss=$7 anon=$8 local_s=${9:-}
  local wall=${10:-}
  ROWS+=("$(printf '%-16s %7d %8.2f %8s %9.0f %8.0f %7.2f %8.3f %8.3f %8.1f %8s %8s %8s %8s' \
    "$name" "$blocks" "$seconds" "$([[ -n $wall ]] && printf '%.2f' "$wall" || echo -)" \
    "$(echo "$blocks / $seconds" | bc -l)" "$(echo "$txs / $seconds" | bc -l)" "$cpu" \
    "$(echo "1000 * $cpu / $blocks" | bc -l)" "$(echo "1000 * $durable / $blocks" | bc -l)" \
    "$rss" "$anon" \
    "$([[ -n $local_s ]] && printf '%.0f%%' "$(echo "100 * $local_s / $seconds" | bc -l)" || echo -)" \
    "$([[ -z $local_s ]] && printf '%.0f%%' \
      "$(echo "100 * ($txs - $blocks) / $seconds / $sig_rate" | bc -l)" || echo -)" \
    "$([[ -z $local_s ]] && printf '%.0f%%' \
      "$(echo "100 * ($txs - $blocks) / $cpu / $sig_cpu_rate" | bc -l)" || echo -)")")
}
for blocks in "${SIZES[@]}"; do
  prepare_chain "$blocks"
  local_line=$("$MAKE_CHAIN" connect --import "$CACHE/blocks.bin" \
    --store "$RUN/local-$blocks/chainstate" | tail -1)
  echo "$local_line"
  rm -rf "$RUN/local-$blocks"
  local_seconds=$(field "$local_line" seconds)
  txs=$(field "$local_line" txs)
  row "local connect" "$blocks" "$txs" "$local_seconds" "$(field "$local_line" cpu_seconds)" \
    "$(field "$local_line" durable_cpu_seconds)" "$(field "$local_line" peak_rss_mib)" -
  if run_sync loopback "$blocks"; then
    read -r wall logged cpu source_cpu rss anon durable <<<"$RESULT"
    echo "loopback $blocks: wall ${wall}s, source node CPU ${source_cpu}s"
    row "sync loopback" "$blocks" "$txs" "$logged" "$cpu" "$durable" "$rss" "$anon" \
      "$local_seconds" "$wall"
  else
    status=1
  fi
  if [[ -z ${SKIP_PROXY:-} && $status == 0 && $blocks == "${SIZES[0]}" ]]; then
    if run_sync proxy "$blocks"; then
      read -r wall logged cpu source_cpu rss anon durable <<<"$RESULT"
      row "sync +${DELAY_MS}ms" "$blocks" "$txs" "$logged" "$cpu" "$durable" "$rss" "$anon" \
        "$local_seconds" "$wall"
      proxy_total=$wall
    else
      status=1
    fi
  fi
done

echo
printf '%-16s %7s %8s %8s %9s %8s %7s %8s %8s %8s %8s %8s %8s %8s\n' run blocks seconds \
  "wall s" blocks/s txs/s "cpu s" "cpu ms/b" "durable" "rss MiB" "anon MiB" "vs local" "vs sigs" "sigs cpu"
printf '%s\n' "${ROWS[@]}"
echo "seconds: local connect from the first block after the genesis to the last; a sync from" \
  "the fresh node's first log line (listening, about to connect) to its line new tip" \
  "height=N. wall s: from starting the fresh node's process to seeing that line. cpu s: CPU" \
  "time of the process (all threads; a sync's includes its start), to the tip. durable: CPU ms" \
  "per block until the cached coins are written too (the local connect's final flush; the" \
  "node's whole run to its exit, the shutdown's flush included). rss: peak resident memory" \
  "(binary and libraries included; LevelDB's tables are read, not mapped: chain/leveldb_env.hpp)." \
  "anon: the syncing node's own memory at its peak (RssAnon," \
  "sampled every 0.1 s)." \
  "vs local: local seconds / sync seconds. vs sigs: non-coinbase txs (one input each) per" \
  "second / the 2-core signature limit ($sig_rate checks/s); sigs cpu: the same by CPU time" \
  "($sig_cpu_rate checks per CPU second)."
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n ${proxy_total:-} ]]; then
  printf 'proxy run total: %.2f s for %d blocks (target <= 10 s)\n' "$proxy_total" "${SIZES[0]}"
fi
exit $status
