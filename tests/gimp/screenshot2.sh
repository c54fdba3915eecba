#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshot of the GIMP 2.10 "Focus Stack Layers..." dialog under Xvfb, opened from Script-Fu.
# Interactive runs start from the last values used (here the defaults: the pyramid stacker, so
# the depth map's and the focus measure's options are greyed out).
# Needs xvfb, x11-apps (xwd), x11-utils (xwininfo), netpbm and the GUI gimp-2.10.
#   screenshot2.sh PLUGIN_DIR TEST_TOOL OUT.png
set -euo pipefail
PLUGDIR=$(realpath "$1"); TOOL=$(realpath "$2"); OUT=$(realpath -m "$3")
. "$(dirname "$0")/xvfb_dialog.sh"
gimp_sandbox 2 "$PLUGDIR" "$TOOL"
D=$SANDBOX/data
start_xvfb 78
# Arguments as in gimp2_test.sh (an interactive run shows the last values instead).
cat > "$SANDBOX/open.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_1.png")) 0) 0 0)
  (gimp-display-new img)
  (plug-in-focus-stack-layers RUN-INTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
    0 1 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 0 0 0 0 0 0 0 1))
SCHEME
gimp-2.10 --new-instance --no-splash --gimprc="$SANDBOX/gimprc" -b - < "$SANDBOX/open.scm" > "$SANDBOX/gimp.log" 2>&1 &
GIMP_PID=$!
grab_dialog "Focus Stack Layers..." "$OUT"
