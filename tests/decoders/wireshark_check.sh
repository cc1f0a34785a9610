#!/bin/bash
# ctest entry: Wireshark's bitcoin dissector must decode a real actorchain run (see
# wireshark_check.py). Usage: wireshark_check.sh ACTORCHAIN_BINARY. Exit 77 = skipped (not root,
# or tshark missing).
set -u
if [ "$(id -u)" != 0 ]; then echo "SKIP: capturing on lo needs root"; exit 77; fi
if ! command -v tshark >/dev/null; then echo "SKIP: tshark is not installed"; exit 77; fi
exec /usr/bin/python3 "$(dirname "$(readlink -f "$0")")/wireshark_check.py" "$1"
