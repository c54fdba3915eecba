#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 2 (and CI's): install what is missing, build everything, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
ctest --test-dir build --output-on-failure -j2 --timeout 900
# Robustness: the suite again under ASan+UBSan (clang, build-san), then each libFuzzer target for
# FSTACK_FUZZ_SECONDS (10 by default: one minute in all) in the same sanitized tree.
# FSTACK_SANITIZE=0 / FSTACK_FUZZ=0 skip them.
[ "${FSTACK_SANITIZE:-1}" = 0 ] || scripts/sanitize.sh
[ "${FSTACK_FUZZ:-1}" = 0 ] || scripts/fuzz.sh
