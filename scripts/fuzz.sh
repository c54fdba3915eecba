#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in build-san (the tree
# scripts/sanitize.sh uses too: scripts/lib/sanitized-build.sh), writes
# their seed corpora (small generated images, the test data's frames made small, the hostile
# files of the CLI tests, layered documents, job files) and runs each target for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 10; FSTACK_FUZZ_SECONDS works too)
# A crash stops the script with status 1 and leaves the input in build-san/crashes/TARGET/:
# fix the bug, then add the input to tests/fuzz/regressions/TARGET/ (replayed by every run).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-${FSTACK_FUZZ_SECONDS:-10}}"
. scripts/lib/sanitized-build.sh
BUILD="$SAN_BUILD"

start=$(date +%s)
sanitized_build fuzz_all
built=$(date +%s)
echo "fuzz: built in $((built - start)) s"

targets=$(cd "$BUILD/tests/fuzz" && ls fuzz_* | grep -v -e make_seeds -e '\.' || true)
rm -rf "$BUILD/seeds" "$BUILD/corpus"
# The seed generator's own leak-free exit is not what is tested here.
ASAN_OPTIONS=detect_leaks=0 "$BUILD/tests/fuzz/fuzz_make_seeds" "$BUILD/seeds" tests/data

seeds_for() {
  case "$1" in
    fuzz_jpeg) echo jpeg ;; fuzz_png) echo png ;; fuzz_read_image) echo image ;;
    fuzz_image_info) echo info ;; fuzz_layered) echo layered ;; fuzz_job_file) echo job ;;
    fuzz_stack_xml) echo stack_xml ;;
  esac
}
# The text formats reach their large-input paths (attributes of 30,000 characters, tables and
# stacks nested thousands deep: seeds of 40 to 200 KB) only with inputs of that size, and their
# dictionaries give the mutations the formats' tokens.
max_len_for() {
  case "$1" in fuzz_job_file|fuzz_stack_xml|fuzz_layered) echo 1048576 ;; *) echo 65536 ;; esac
}
dict_for() {
  case "$1" in
    fuzz_job_file) echo "-dict=tests/fuzz/job_file.dict" ;;
    fuzz_stack_xml|fuzz_layered) echo "-dict=tests/fuzz/stack_xml.dict" ;;
  esac
}

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TMPDIR="$(mktemp -d)"
trap 'rm -rf "$TMPDIR"' EXIT
status=0
for t in $targets; do
  corpus="$BUILD/corpus/$t"
  crashes="$BUILD/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  cp "$BUILD/seeds/$(seeds_for "$t")"/* "$corpus"/ 2>/dev/null || true
  # Crashes once found and fixed are replayed first, as regression tests.
  if [ -d "tests/fuzz/regressions/$t" ]; then
    "$BUILD/tests/fuzz/$t" -runs=0 "tests/fuzz/regressions/$t" > "$BUILD/$t.regressions.log" 2>&1 \
      || { echo "fuzz: $t: a regression input crashes again (see $BUILD/$t.regressions.log)" >&2; status=1; continue; }
  fi
  log="$BUILD/$t.log"
  # shellcheck disable=SC2046
  if "$BUILD/tests/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
       -max_len="$(max_len_for "$t")" $(dict_for "$t") -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" > "$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | grep -o 'cov: [0-9]*' || true)
    echo "fuzz: $t: ${SECONDS_PER_TARGET} s, ${execs:-?} runs, ${rate:-?} exec/s, ${cov:-cov: ?}, no crash"
  else
    echo "fuzz: $t: CRASH, input kept in $crashes/ (log: $log)" >&2
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$log" | head -5 >&2 || true
    status=1
  fi
done
echo "fuzz: total $(( $(date +%s) - start )) s"
exit $status
