#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshot of the GIMP 3 "Focus Stack Layers..." dialog under Xvfb (run in the trixie chroot by
# scripts/gimp3-chroot.sh screenshot). Needs xvfb, x11-apps (xwd), x11-utils (xwininfo), netpbm.
#   screenshot3.sh PLUGIN_DIR TEST_TOOL OUT.png
set -euo pipefail
PLUGDIR=$(realpath "$1"); TOOL=$(realpath "$2"); OUT=$(realpath -m "$3")
. "$(dirname "$0")/xvfb_dialog.sh"
gimp_sandbox 3 "$PLUGDIR" "$TOOL"
start_xvfb 77
cat > "$SANDBOX/open.py" <<PY
from gi.repository import Gimp, Gio
NI = Gimp.RunMode.NONINTERACTIVE
img = Gimp.file_load(NI, Gio.File.new_for_path("$SANDBOX/data/frame_0.png"))
for i in range(1, 5):
    img.insert_layer(Gimp.file_load_layer(NI, img, Gio.File.new_for_path("$SANDBOX/data/frame_%d.png" % i)), None, 0)
Gimp.Display.new(img)
proc = Gimp.get_pdb().lookup_procedure("plug-in-focus-stack-layers")
cfg = proc.create_config()
cfg.set_property("run-mode", Gimp.RunMode.INTERACTIVE)
cfg.set_property("image", img)
proc.run(cfg)   # blocks while the dialog is open
PY
gimp-3.0 --no-splash --gimprc="$SANDBOX/gimprc" --batch-interpreter=python-fu-eval -b - \
  < "$SANDBOX/open.py" > "$SANDBOX/gimp.log" 2>&1 &
GIMP_PID=$!
grab_dialog "Focus Stack Layers..." "$OUT"
