#!/usr/bin/env bash
# test.sh - every test: a Release build with warnings as errors and the full
# ctest suite (unit, end-to-end, fuzzing for a bounded time), then the host
# code (reader, analyzers, viewer, CLI) again under ASan+UBSan.
set -eu
cd "$(dirname "$0")/.."
unset DEBUGINFOD_URLS
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCTRACE_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 300)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCTRACE_SANITIZE=ON -DCTRACE_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
# Not under ASan: the fuzzer and the browser (their own runs above), the
# load tests, and real_deadlock_busy, whose busy thread writes events faster
# than an instrumented watchdog reads them (that is its point). The real
# programs (e2e_debian_*) do run: the shim in them is the same, but their
# traces (exec chains, 1000 threads, process trees) are the largest the
# instrumented watchdog, reader and analyzers see; all but the 12 s sleep,
# whose trace is env_sleep's. The two heaviest race cases run for clang
# only (their gcc traces are the same to the analyzers: 2 to 3 minutes).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" --timeout 300 \
	-E 'fuzz|browser|e2e_many_threads|e2e_disk_full|e2e_real_deadlock_busy|e2e_debian_env_sleep_default|e2e_races_norace_wide_readers_gcc|e2e_races_far_apart_gcc')
