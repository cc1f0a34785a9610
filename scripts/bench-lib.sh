# What the benchmark scripts share; sourced (`source "$ROOT/scripts/bench-lib.sh"`), runs nothing.

# A TCP port free on 127.0.0.1 now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until FILE contains the fixed string TEXT; fails after SECONDS.
wait_for() {
  local file=$1 text=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.02
  done
}

# CPU seconds (user + system, all threads) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
