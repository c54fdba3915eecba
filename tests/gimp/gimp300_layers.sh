#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GIMP 3 twin of gimp210_layers.sh, run INSIDE the GIMP 3 chroot (scripts/gimp3-chroot.sh run):
# opens each file headless with Python-Fu and prints, per file and per layer (top first),
#   FSTACK-FILE|<path>|<layer count>|<precision>
#   FSTACK-LAYER|<path>|<index>|<name>|<visible 0/1>|<has mask 0/1>
# exporting each layer's pixels to <path>.layer<index>.png (in the layer's own precision).
# usage: gimp300_layers.sh FILE...   (recipes: ../shared/docs/gimp-recipes.md, section 2.4)
set -euo pipefail
SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export HOME=$SANDBOX/home GIMP3_DIRECTORY=$SANDBOX/gimp3 XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
unset DISPLAY
mkdir -p "$HOME"
FILES=$(printf '"%s",' "$@")
cat > "$SANDBOX/dump.py" <<PY
from gi.repository import Gimp, Gio
NI = Gimp.RunMode.NONINTERACTIVE

def export_layer(image, layer, path):
    # Export flattens the visible image: copy the one layer into a scratch image of the same
    # precision, so that 16-bit layers come out as 16-bit PNGs.
    tmp = Gimp.Image.new_with_precision(image.get_width(), image.get_height(), Gimp.ImageBaseType.RGB,
                                        image.get_precision())
    copy = Gimp.Layer.new_from_drawable(layer, tmp)
    tmp.insert_layer(copy, None, 0)
    copy.set_visible(True)
    if copy.get_mask() is not None:
        copy.remove_mask(Gimp.MaskApplyMode.DISCARD)
    Gimp.file_save(NI, tmp, Gio.File.new_for_path(path), None)
    tmp.delete()

for path in [$FILES]:
    img = Gimp.file_load(NI, Gio.File.new_for_path(path))
    layers = img.get_layers()
    print("FSTACK-FILE|%s|%d|%s" % (path, len(layers), img.get_precision()), flush=True)
    for i, l in enumerate(layers):
        print("FSTACK-LAYER|%s|%d|%s|%d|%d" % (path, i, l.get_name(), 1 if l.get_visible() else 0,
                                                1 if l.get_mask() is not None else 0), flush=True)
        export_layer(img, l, "%s.layer%d.png" % (path, i))
    img.delete()
PY
# --quit: exit status 70/64 when a batch command fails (without it GIMP 3 keeps running).
timeout 300 gimp-console-3.0 -i --quit --batch-interpreter=python-fu-eval -b - < "$SANDBOX/dump.py" 2>&1
