#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the tree with AddressSanitizer and UndefinedBehaviorSanitizer (clang, build-san, see
# scripts/lib/sanitized-build.sh) and runs every test there but the real-GIMP ones (GIMP itself
# is not what is checked, and it is slow to start) and the Slurm ones (the scheduler is what they
# check; they ran on the Release build). The CLI tests run the sanitized `fstack`,
# and hostile_input_test fails on any sanitizer report in its output.
#   scripts/sanitize.sh [CTEST_ARGS...]      e.g. scripts/sanitize.sh -R hostile_input_test
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sanitized-build.sh
start=$(date +%s)
sanitized_build
built=$(date +%s)
echo "sanitize: built in $((built - start)) s"
# Leaks are reported too; UBSan stops at the first finding so that ctest sees a failure.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
ctest --test-dir "$SAN_BUILD" --output-on-failure -j "$SAN_JOBS" --timeout 1800 -E 'gimp|slurm' "$@"
echo "sanitize: tests ran in $(( $(date +%s) - built )) s, $(( $(date +%s) - start )) s in all"
