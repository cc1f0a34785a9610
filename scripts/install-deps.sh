#!/usr/bin/env bash
# Installs every Debian package actorchain needs to build, test, fuzz and run its demo.
# Idempotent: when everything is present it only checks (no apt-get update, no network).
set -euo pipefail

packages=(
  build-essential g++ cmake ccache pkg-config clang-format
  libcaf-dev libleveldb-dev libsnappy-dev libssl-dev libsecp256k1-dev libfmt-dev
  libcli11-dev googletest libgtest-dev libbenchmark-dev
  nlohmann-json3-dev libcpp-httplib-dev nodejs
  clang libfuzzer-14-dev libclang-rt-14-dev
  python3 python3-bitcoinlib tshark iproute2 procps ethtool iputils-ping
  chromium libpng-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The RPC test drives the node with npm's bitcoin-core client. Node.js from another source
# (NodeSource) brings its own npm, which Debian's npm package would conflict with.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
