#!/usr/bin/env bash
# setup.sh - installs what ctrace needs on Debian 12, builds it, and runs it
# on the bundled example program.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
# pigz ... python3: the real programs that tests/e2e/real runs traced.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	build-essential cmake pkg-config clang libclang-rt-14-dev jq \
	libunwind-dev libdw-dev libelf-dev libbabeltrace2-dev babeltrace2 \
	libcmocka-dev protobuf-compiler libxml2-utils chromium \
	pigz xz-utils zstd git python3 >/dev/null
# Node.js (browser test only) may come from elsewhere with its own npm.
command -v node >/dev/null || $SUDO apt-get install -y -qq nodejs >/dev/null
command -v npm >/dev/null || $SUDO apt-get install -y -qq npm >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
cc -O2 -g -pthread examples/bank.c -o build/example-bank
rm -rf build/example-trace
build/ctrace run -o build/example-trace -- build/example-bank
build/ctrace info build/example-trace
