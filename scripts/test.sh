#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 2 (and CI's): install what is missing, build everything, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
ctest --test-dir build --output-on-failure -j2 --timeout 900
# Robustness (issue 7): the suite again under ASan+UBSan, and each fuzz target for a bounded
# time (FSTACK_FUZZ_SECONDS each, 10 by default). Opt-in for now (FSTACK_SANITIZE=1,
# FSTACK_FUZZ=1): each is another full build, and a whole-tree sanitizer run has not yet been
# timed to fit CI's budget on a 2-core machine.
[ "${FSTACK_SANITIZE:-0}" = 1 ] && scripts/sanitize.sh
[ "${FSTACK_FUZZ:-0}" = 1 ] && scripts/fuzz.sh
exit 0
