#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshot of a retouch in progress in GIMP 2.10 (single-window mode, under Xvfb): a synthetic
# stack stacked with the retouch frames, and a brush stroke painted white on frame 3's mask, which
# is selected for editing. Needs what screenshot2.sh needs.
#   retouch_shot2.sh PLUGIN_DIR TEST_TOOL OUT.png
set -euo pipefail
PLUGDIR=$(realpath "$1"); TOOL=$(realpath "$2"); OUT=$(realpath -m "$3")
. "$(dirname "$0")/xvfb_dialog.sh"
gimp_sandbox 2 "$PLUGDIR" "$TOOL"
D=$SANDBOX/data
single_window 1300 900
start_xvfb 79
cat > "$SANDBOX/open.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (let loop ((i 1))
    (if (< i 5)
        (begin
          (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img
                                     (string-append "$D/frame_" (number->string i) ".png"))) 0) 0 0)
          (loop (+ i 1)))))
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 1 1 0 0 1 1 0 1)
  (let* ((group (aref (cadr (gimp-image-get-layers img)) 0))
         (frame (aref (cadr (gimp-item-get-children group)) 2))
         (mask (car (gimp-layer-get-mask frame))))
    (gimp-context-set-foreground '(255 255 255))
    (gimp-context-set-brush-size 40)
    (gimp-paintbrush-default mask 6 #(60 70 150 120 250 90))
    (gimp-image-set-active-layer img frame)
    (gimp-layer-set-edit-mask frame TRUE))
  (gimp-image-clean-all img)
  (gimp-display-new img))
SCHEME
gimp-2.10 --new-instance --no-splash --gimprc="$SANDBOX/gimprc" -b - < "$SANDBOX/open.scm" > "$SANDBOX/gimp.log" 2>&1 &
GIMP_PID=$!
grab_screen "RGB color" "$OUT"
