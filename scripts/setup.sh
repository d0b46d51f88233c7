#!/usr/bin/env bash
# setup.sh - installs what ctrace needs on Debian 12, builds it, and runs it
# on the bundled example program.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
cc -O2 -g -pthread examples/bank.c -o build/example-bank
rm -rf build/example-trace
build/ctrace run -o build/example-trace -- build/example-bank
build/ctrace info build/example-trace
