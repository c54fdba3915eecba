#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the whole tree with AddressSanitizer and UndefinedBehaviorSanitizer (gcc) in
# build-asan and runs every test there, the CLI tests included (they run the sanitized
# `fstack`, and hostile_input_test fails on any sanitizer report in its output).
#   scripts/sanitize.sh [CTEST_ARGS...]      e.g. scripts/sanitize.sh -R hostile_input_test
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${FSTACK_JOBS:-2}"
BUILD=build-asan
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
start=$(date +%s)
# O1: the sanitizers' reports stay readable, and the tests run about twice as fast as at O0.
# No real-GIMP tests: GIMP itself is not what is checked here, and it is slow to start.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DFSTACK_BUILD_BENCH=OFF -DFSTACK_WITH_CUDA=OFF -DFSTACK_GIMP_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$JOBS"
built=$(date +%s)
echo "sanitize: built in $((built - start)) s"
# Leaks are reported too; UBSan stops at the first finding so that ctest sees a failure.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 1800 "$@"
echo "sanitize: tests ran in $(( $(date +%s) - built )) s, $(( $(date +%s) - start )) s in all"
