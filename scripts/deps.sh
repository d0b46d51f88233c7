#!/usr/bin/env bash
# deps.sh - installs what ctrace needs to build and test on Debian 12 (as
# root, or with sudo). Used by setup.sh and by CI (.ci/run).
set -eu
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
# pigz ... python3: the real programs that tests/e2e/real runs traced.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	build-essential cmake pkg-config clang libclang-rt-14-dev jq \
	libunwind-dev libdw-dev libelf-dev libbabeltrace2-dev babeltrace2 \
	libcmocka-dev libomp-14-dev libjemalloc2 libtcmalloc-minimal4 libmimalloc2.0 protobuf-compiler libxml2-utils chromium \
	pigz xz-utils zstd git python3 faketime libglib2.0-dev >/dev/null
# Node.js (the browser test only) may come from elsewhere with its own npm
# (Debian's npm conflicts with it).
command -v node >/dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
command -v npm >/dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
