#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Stacks a folder of frames in GIMP 2.10 (loaded as layers, sorted by name, first = bottom)
# with default options, and exports the result: for comparing with `fstack stack` on the same
# frames (docs/gimp-plugin.md). Not a CTest test: synth.py stacks take minutes.
#   compare_with_cli2.sh PLUGIN_DIR FRAMES_DIR OUT.png [STACKER_INDEX]
set -euo pipefail
PLUGDIR=$(realpath "$1"); FRAMES=$(realpath "$2"); OUT=$(realpath -m "$3"); STACKER=${4:-0}
SANDBOX=$(mktemp -d); trap 'rm -rf "$SANDBOX"' EXIT
export HOME=$SANDBOX/home GIMP2_DIRECTORY=$SANDBOX/gimp2 XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
unset DISPLAY; mkdir -p "$HOME"
printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n' "$PLUGDIR" > "$SANDBOX/gimprc"
mapfile -t files < <(ls "$FRAMES" | sort)
add=""
for f in "${files[@]:1}"; do
  add+="(let ((l (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img \"$FRAMES/$f\")) 0))) (gimp-image-insert-layer img l 0 0))"
done
SCM="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$FRAMES/${files[0]}\" \"$FRAMES/${files[0]}\")))) $add
  (let* ((r (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
              0 $STACKER 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 0 0 0 0 0 0 0 1)))
    (file-png-save-defaults RUN-NONINTERACTIVE img (cadr r) \"$OUT\" \"$OUT\")
    (gimp-image-delete img)))"
start=$SECONDS
timeout 1200 gimp-console-2.10 -i --gimprc="$SANDBOX/gimprc" -b "$SCM" -b '(gimp-quit 0)' 2>&1 | grep -v "^$" || true
echo "gimp: $((SECONDS - start)) s"
test -s "$OUT"
