# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: the one sanitized tree both use,
# build-san, made with clang (half gcc's compile time under the sanitizers). Everything in it is
# built with AddressSanitizer, UndefinedBehaviorSanitizer (stopping at the first finding) and
# libFuzzer's coverage hooks, so the same objects serve the tests and the fuzz targets.
#   sanitized_build [NINJA_TARGETS...]
SAN_BUILD=build-san
SAN_JOBS="${FSTACK_JOBS:-2}"

sanitized_build() {
  command -v clang++ >/dev/null ||
    { echo "$0: clang++ not found (scripts/install-deps.sh installs it)" >&2; return 1; }
  local flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  # -O1 -g1: readable reports with file and line, tests about twice as fast as at -O0.
  cmake -S . -B "$SAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DFSTACK_FUZZ=ON -DFSTACK_BUILD_BENCH=OFF -DFSTACK_WITH_CUDA=OFF -DFSTACK_GIMP_TESTS=OFF >/dev/null
  if [ $# -gt 0 ]; then cmake --build "$SAN_BUILD" -j "$SAN_JOBS" --target "$@"
  else cmake --build "$SAN_BUILD" -j "$SAN_JOBS"; fi
}
