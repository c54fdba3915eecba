#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Opens layered files in a real, headless GIMP 2.10 (one session for all of them) and reports
# what GIMP sees: for each file a line
#   FSTACK-FILE|<path>|<layer count>|<precision>
# and for each layer, top first (GIMP's order),
#   FSTACK-LAYER|<path>|<index>|<name>|<visible 0/1>|<has mask 0/1>
# and exports each layer's pixels to <path>.layer<index>.png and its mask to <path>.mask<index>.png,
# for the caller (tests/layers_gimp210_test.cpp) to compare with what was written.
# usage: gimp210_layers.sh FILE...      exit 0: GIMP ran every load; 1: GIMP failed (log on stdout)
# Recipes: ../shared/docs/gimp-recipes.md, sections 1.5 and 1.6.
set -euo pipefail
GIMP=${GIMP_CONSOLE:-gimp-console-2.10}
SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
# A throwaway profile: never touch the user's, and parallel tests never share one.
export HOME=$SANDBOX/home GIMP2_DIRECTORY=$SANDBOX/gimp2 XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
unset DISPLAY
mkdir -p "$HOME"

# One batch command: GIMP evaluates only the first expression of each -b string.
SCM='(begin (define (fstack-dump-layers path img v i n)
  (if (< i n)
      (let* ((l (aref v i)) (m (car (gimp-layer-get-mask l))) (k (number->string i)))
        (gimp-message (string-append "FSTACK-LAYER|" path "|" k "|" (car (gimp-item-get-name l)) "|"
                                     (number->string (car (gimp-item-get-visible l))) "|" (if (= m -1) "0" "1")))
        (file-png-save-defaults RUN-NONINTERACTIVE img l (string-append path ".layer" k ".png") (string-append path ".layer" k ".png"))
        (if (not (= m -1))
            (file-png-save-defaults RUN-NONINTERACTIVE img m (string-append path ".mask" k ".png") (string-append path ".mask" k ".png")))
        (fstack-dump-layers path img v (+ i 1) n))))
(define (fstack-dump path)
  (let* ((img (car (gimp-file-load RUN-NONINTERACTIVE path path)))
         (ls (gimp-image-get-layers img)))
    (gimp-message (string-append "FSTACK-FILE|" path "|" (number->string (car ls)) "|"
                                 (number->string (car (gimp-image-get-precision img)))))
    (fstack-dump-layers path img (cadr ls) 0 (car ls))
    (gimp-image-delete img)))'
for f in "$@"; do
  SCM+=" (fstack-dump \"$(realpath "$f")\")"
done
ARGS=(-i -b "$SCM)")
LOG=$SANDBOX/gimp.log
# gimp-console-2.10 exits 0 even when a batch command fails, and never exits without gimp-quit.
if ! timeout 300 "$GIMP" "${ARGS[@]}" -b '(gimp-quit 0)' > "$LOG" 2>&1; then
  echo "gimp exited with status $?"; cat "$LOG"; exit 1
fi
# GIMP wraps long messages; the markers are what the caller parses.
cat "$LOG"
if grep -q "execution error\|Plug-in crashed\|Error:" "$LOG"; then exit 1; fi
