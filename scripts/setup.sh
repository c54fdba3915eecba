#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 1: install the Debian packages, build fstack in Release, and stack the example
# stack that ships in the repository. The result is written to out/pcb_stacked.jpg.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target fstack
mkdir -p out
build/cli/fstack stack tests/data/stacks/pcb_usb_petteri -o out/pcb_stacked.jpg --overwrite \
  --depth-map out/pcb_depth.png
echo "setup: stacked tests/data/stacks/pcb_usb_petteri into $(pwd)/out/pcb_stacked.jpg (depth map: out/pcb_depth.png)"
