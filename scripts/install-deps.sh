#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages fstack builds and tests with. Skips apt-get when all are present.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libopencv-dev libopencv-contrib-dev libtiff-dev libexiv2-dev exiv2
  # LittleCMS converts CMYK frames through their ICC profile (core/src/io/colour.cpp).
  liblcms2-dev
  libcli11-dev libfmt-dev libtomlplusplus-dev libzip-dev
  libgtest-dev googletest
  # pugixml parses OpenRaster's stack.xml (core/src/layers/ora_reader.cpp).
  libpugixml-dev
  # nlohmann/json reads and writes rig alignment files (core/src/actions/align/rig_alignment.cpp)
  # and --report's JSON Lines (header-only); the tests read them back with it.
  nlohmann-json3-dev
  # LibRaw develops camera raw and DNG frames (core/src/io/raw_reader.cpp).
  libraw-dev
  # JPEG decoding through libjpeg-turbo directly; clang + its runtime for the libFuzzer targets
  # (scripts/fuzz.sh), util-linux's setpriv for the permission tests run as root.
  libjpeg62-turbo-dev clang libclang-rt-14-dev util-linux
  # The GIMP 2.10 plug-in and the headless GIMP tests (plug-in, layered files);
  # debootstrap builds the GIMP 3 test chroot.
  gimp libgimp2.0-dev debootstrap
  # GIMP 2.10's GUI for the Help test (tests/gimp/help_test.sh) and the screenshots: an X server
  # in memory, and xwd/netpbm to save the screen (tests/gimp/screenshot2.sh, retouch_shot2.sh).
  xvfb x11-apps x11-utils netpbm
  # The Slurm tests (tests/cluster): a one-node Slurm on localhost, munge for its credentials.
  slurm-wlm munge
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
