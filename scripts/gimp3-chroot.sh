#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GIMP 3.0 is not in Debian 12: build and test the GIMP 3 plug-in in a Debian 13 (trixie) chroot.
#
#   scripts/gimp3-chroot.sh setup       create the chroot (debootstrap + packages), or reuse it
#   scripts/gimp3-chroot.sh build       configure + build the plug-in inside (build dir in the chroot)
#   scripts/gimp3-chroot.sh test        setup + build + the headless GIMP 3 tests (CTest -L gimp3)
#   scripts/gimp3-chroot.sh screenshot  the GIMP 3 dialog and a retouch under Xvfb -> docs/img/gimp3-*.png
#   scripts/gimp3-chroot.sh run CMD...  run a command in the chroot (repo at /src)
#   scripts/gimp3-chroot.sh ctest-entry the host CTest's entry: `test`, or skip (77) without root
#
# The chroot lives outside the repository (FSTACK_GIMP3_CHROOT, default /var/tmp/fstack-gimp3-trixie)
# and is reused when its package set is complete, so a second CI run skips the ~5 minutes of
# debootstrap + apt. Needs root (debootstrap, chroot, mount) and Debian's archive.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROOT=${FSTACK_GIMP3_CHROOT:-/var/tmp/fstack-gimp3-trixie}
MIRROR=${FSTACK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The build folder inside the chroot: one per checkout that shares the chroot (worktrees).
BUILD=${FSTACK_GIMP3_BUILD:-/build-gimp3}
# What the plug-in build needs (the whole fstack configure: OpenCV, libtiff, exiv2, CLI11) plus
# GIMP 3 itself; python3-gi/gir1.2-gimp-3.0 come with gimp, so python-fu-eval works.
PACKAGES="gimp libgimp-3.0-dev build-essential cmake ninja-build pkg-config
  libopencv-dev libopencv-contrib-dev libtiff-dev libexiv2-dev libpng-dev libjpeg-dev libzip-dev libcli11-dev libtomlplusplus-dev libpugixml-dev nlohmann-json3-dev libraw-dev liblcms2-dev"
SHOT_PACKAGES="xvfb x11-apps x11-utils netpbm"
STAMP=$ROOT/.fstack-packages

log() { echo "gimp3-chroot: $*"; }

# Runs "$@" inside the chroot with the repo bound at /src. unshare gives the mounts their own
# namespace: they vanish when the command ends, even on failure, so no stale mounts pile up.
in_chroot() {
  mkdir -p "$ROOT/src"
  unshare -m --propagation private bash -c '
    set -e
    mount --bind "$1" "$2/src"
    mount -t proc proc "$2/proc"
    mount --bind /dev "$2/dev"
    shift 2
    chroot "$ROOT" env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/root \
      DEBIAN_FRONTEND=noninteractive "$@"' _ "$REPO" "$ROOT" "$@"
}
export ROOT

setup() {
  local want="$PACKAGES $*"
  if [ -f "$STAMP" ] && [ -x "$ROOT/usr/bin/gimp-console-3.0" ]; then
    local missing=""
    for p in $want; do grep -qx "$p" "$STAMP" || missing="$missing $p"; done
    if [ -z "$missing" ]; then log "reusing $ROOT"; return 0; fi
    log "adding$missing"
    in_chroot apt-get install -y -qq --no-install-recommends $missing
    { cat "$STAMP"; printf '%s\n' $want; } | sort -u > "$STAMP.new" && mv "$STAMP.new" "$STAMP"
    return 0
  fi
  command -v debootstrap >/dev/null || apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap
  local t0=$SECONDS
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    rm -rf "$ROOT"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"
  fi
  local t1=$SECONDS
  in_chroot apt-get update -qq
  in_chroot apt-get install -y -qq --no-install-recommends $want
  in_chroot apt-get clean
  printf '%s\n' $want | sort -u > "$STAMP"
  log "created $ROOT: debootstrap $((t1 - t0)) s, packages $((SECONDS - t1)) s, $(du -sh "$ROOT" | cut -f1)"
}

build() {
  in_chroot bash -c 'cmake -S /src -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DFSTACK_WITH_CUDA=OFF -DFSTACK_BUILD_BENCH=OFF -DFSTACK_BUILD_TESTS=OFF -DFSTACK_GIMP_TESTS=ON > "$1.log" \
    && cmake --build "$1" -j2 --target fstack-gimp-all' _ "$BUILD"
}

case "${1:-test}" in
  setup) setup ;;
  build) setup; build ;;
  test)
    setup; build
    in_chroot ctest --test-dir "$BUILD/gimp-plugin" -L gimp3 --output-on-failure --timeout 600 ;;
  screenshot)
    setup $SHOT_PACKAGES; build
    in_chroot bash /src/tests/gimp/screenshot3.sh "$BUILD/gimp-plug-ins" "$BUILD/gimp-plugin/tests/gimp_test_tool" /src/docs/img/gimp3-dialog.png
    in_chroot bash /src/tests/gimp/retouch_shot3.sh "$BUILD/gimp-plug-ins" "$BUILD/gimp-plugin/tests/gimp_test_tool" /src/docs/img/gimp3-retouch.png ;;
  run) shift; setup; in_chroot "$@" ;;
  ctest-entry)
    # From the host's CTest: skip, rather than fail, where a chroot cannot be made.
    if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
      echo "gimp3-chroot: needs root (debootstrap, chroot, mount): skipped"; exit 77
    fi
    if [ ! -x "$ROOT/usr/bin/gimp-console-3.0" ] && ! command -v debootstrap >/dev/null; then
      echo "gimp3-chroot: no chroot and no debootstrap (scripts/install-deps.sh): skipped"; exit 77
    fi
    exec "$0" test ;;
  *) echo "usage: $0 setup|build|test|screenshot|run CMD..." >&2; exit 2 ;;
esac
