#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshot of a retouch in progress in GIMP 3 (single-window mode, under Xvfb; run in the
# trixie chroot by scripts/gimp3-chroot.sh screenshot): a synthetic stack stacked with the
# retouch frames, and a brush stroke painted white on frame 3's mask, which is selected for
# editing. Needs what screenshot3.sh needs.
#   retouch_shot3.sh PLUGIN_DIR TEST_TOOL OUT.png
set -euo pipefail
PLUGDIR=$(realpath "$1"); TOOL=$(realpath "$2"); OUT=$(realpath -m "$3")
. "$(dirname "$0")/xvfb_dialog.sh"
gimp_sandbox 3 "$PLUGDIR" "$TOOL"
single_window 1300 900
start_xvfb 76
cat > "$SANDBOX/open.py" <<PY
from gi.repository import Gimp, Gio, Gegl
NI = Gimp.RunMode.NONINTERACTIVE
img = Gimp.file_load(NI, Gio.File.new_for_path("$SANDBOX/data/frame_0.png"))
for i in range(1, 5):
    img.insert_layer(Gimp.file_load_layer(NI, img, Gio.File.new_for_path("$SANDBOX/data/frame_%d.png" % i)), None, 0)
proc = Gimp.get_pdb().lookup_procedure("plug-in-focus-stack-layers")
cfg = proc.create_config()
cfg.set_property("run-mode", NI); cfg.set_property("image", img)
cfg.set_property("align", "none"); cfg.set_property("balance", "none")
cfg.set_property("depth-map", True); cfg.set_property("retouch-group", True)
res = proc.run(cfg)
assert res.index(0) == Gimp.PDBStatusType.SUCCESS, res.index(1)
frame = img.get_layers()[0].get_children()[2]
white = Gegl.Color.new("white")
Gimp.context_set_foreground(white)
Gimp.context_set_brush_size(40)
Gimp.paintbrush_default(frame.get_mask(), [60, 70, 150, 120, 250, 90])
img.set_selected_layers([frame])
frame.set_edit_mask(True)
img.clean_all()
Gimp.Display.new(img)
PY
gimp-3.0 --no-splash --gimprc="$SANDBOX/gimprc" --batch-interpreter=python-fu-eval -b - \
  < "$SANDBOX/open.py" > "$SANDBOX/gimp.log" 2>&1 &
GIMP_PID=$!
grab_screen "RGB color" "$OUT"
