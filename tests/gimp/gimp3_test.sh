#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Real GIMP 3.0, headless (in the trixie chroot, scripts/gimp3-chroot.sh test): loads a synthetic
# stack as layers, runs plug-in-focus-stack-layers from Python and from Script-Fu, exports the
# results and checks pixels, layers and the one-layer message. Same cases as gimp2_test.sh.
#   gimp3_test.sh GIMP_CONSOLE PLUGIN_DIR TEST_TOOL OUT_DIR FSTACK_CLI
set -euo pipefail
GIMP=$1; PLUGDIR=$(realpath "$2"); TOOL=$(realpath "$3"); OUT=$(realpath -m "$4"); FSTACK=$(realpath "$5")
rm -rf "$OUT"; mkdir -p "$OUT/data"
"$TOOL" make "$OUT/data"
D=$OUT/data
# A stack with known motion, and what `fstack stack` makes of it with its defaults (and --crop).
M=$OUT/moved; mkdir -p "$M"
"$TOOL" make-moved "$M"
"$FSTACK" stack "$M"/frame_*.png -o "$M/cli.png" -q
"$FSTACK" stack "$M"/frame_*.png -o "$M/cli_crop.png" --crop -q
# S: the CLI's retouch document, read back by GIMP below.
"$FSTACK" stack "$D"/frame_*.png -o "$OUT/S_cli.png" --align none --balance none --retouch-layers "$OUT/S.psd" -q
SANDBOX=$(mktemp -d); trap 'rm -rf "$SANDBOX"' EXIT
export HOME=$SANDBOX/home GIMP3_DIRECTORY=$SANDBOX/gimp3 XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
unset DISPLAY; mkdir -p "$HOME"
printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n' "$PLUGDIR" > "$SANDBOX/gimprc"

cat > "$SANDBOX/test.py" <<PY
from gi.repository import Gimp, Gio
NI = Gimp.RunMode.NONINTERACTIVE
pdb = Gimp.get_pdb()

def load_stack(n, folder="$D"):
    img = Gimp.file_load(NI, Gio.File.new_for_path(folder + "/frame_0.png"))
    img.get_layers()[0].set_name("frame_0")
    for i in range(1, n):
        lay = Gimp.file_load_layer(NI, img, Gio.File.new_for_path(folder + "/frame_%d.png" % i))
        img.insert_layer(lay, None, 0)
        lay.set_name("frame_%d" % i)
    return img

def desc(items):
    out = []
    for l in items:
        if l.is_group():
            out.append(l.get_name() + "[" + desc(l.get_children()) + "]")
        else:
            out.append(l.get_name() + ("+mask" if l.get_mask() else "") + ("" if l.get_visible() else "+hidden"))
    return ";".join(out)

def save(drawable, name):
    # Export flattens the visible image: put the one drawable into a scratch image first.
    img = drawable.get_image()
    if isinstance(drawable, Gimp.Channel):  # a layer mask: export it as a grey picture
        tmp = Gimp.Image.new(img.get_width(), img.get_height(), Gimp.ImageBaseType.GRAY)
    else:
        tmp = Gimp.Image.new_with_precision(img.get_width(), img.get_height(), img.get_base_type(),
                                            img.get_precision())
    lay = Gimp.Layer.new_from_drawable(drawable, tmp)
    tmp.insert_layer(lay, None, 0)
    Gimp.file_save(NI, tmp, Gio.File.new_for_path("$OUT/" + name), None)
    tmp.delete()

def stack(img, **opts):
    proc = pdb.lookup_procedure("plug-in-focus-stack-layers")
    cfg = proc.create_config()
    cfg.set_property("run-mode", NI)
    cfg.set_property("image", img)
    for k, v in opts.items():
        cfg.set_property(k, v)
    res = proc.run(cfg)
    if res.index(0) != Gimp.PDBStatusType.SUCCESS:
        return None, res.index(1) if res.length() > 1 else "?"
    return res, None

def fill_mask(img, lay, fill):
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 40, 30, 100, 80)
    lay.get_mask().edit_fill(fill)
    Gimp.Selection.none(img)

def brush_layer(img, lay, name):
    # Paints white (the background colour) into the layer's mask, saves the visible image, and
    # paints the mask black (the foreground colour) again.
    Gimp.context_set_default_colors()
    fill_mask(img, lay, Gimp.FillType.BACKGROUND)
    vis = Gimp.Layer.new_from_visible(img, img, "visible")
    img.insert_layer(vis, None, 0)
    save(vis, name)
    img.remove_layer(vis)
    fill_mask(img, lay, Gimp.FillType.FOREGROUND)

def brush(img, k, name):
    # Frame k of the retouch group (the group's child k, nearest focus first).
    brush_layer(img, img.get_layers()[0].get_children()[k], name)

# The cases A-D ask for no frame actions: their frames do not move.
STILL = {"align": "none", "balance": "none"}
img = load_stack(5)
res, err = stack(img, **STILL, **{"depth-map": True, "retouch-group": True})
assert err is None, err
layers = img.get_layers()
print("A-LAYERS", desc(layers), "SAME-IMAGE", "yes" if res.index(1) == img else "no",
      "RESULT-UNDER-FRAMES", "yes" if res.index(2) == layers[1] else "no")
save(layers[1], "A_stack.png"); save(layers[2], "A_depth.png")
save(layers[0].get_children()[4].get_mask(), "A_mask4.png")
# R: a retouch stroke on the first, middle and last frame's mask brings exactly that frame in.
for k in (0, 2, 4):
    brush(img, k, "R_%d.png" % k)
img.delete()

# T: a second run with another stacker takes the source layers only, not the first run's.
img = load_stack(5)
first, err = stack(img, **STILL, **{"depth-map": True, "retouch-group": True})
assert err is None, err
second, err = stack(img, stacker="depthmap", **STILL, **{"depth-map": True, "retouch-group": True})
assert err is None, err
print("T-LAYERS", desc(img.get_layers()))
save(second.index(2), "T_stack.png"); save(first.index(2), "T_first.png")
img.delete()

# O: with alignment off, a layer that does not lie on the canvas is refused by name.
img = load_stack(3)
img.get_layers()[1].set_offsets(37, -12)
res, err = stack(img, **STILL)
print("O-ERROR", err)
img.delete()

img = load_stack(5)
res, err = stack(img, stacker="depthmap", **STILL, **{"new-image": True, "depth-map": True})
assert err is None, err
out = res.index(1)
print("B-LAYERS", desc(out.get_layers()), "SOURCE", desc(img.get_layers()))
save(out.get_layers()[0], "B_stack.png")
out.delete(); img.delete()

img = load_stack(5)
img.get_layers()[0].set_visible(False)
res, err = stack(img, layers="visible", **STILL, **{"keep-originals": False})
assert err is None, err
print("C-LAYERS", desc(img.get_layers()))
save(img.get_layers()[0], "C_stack.png")
img.delete()

img = load_stack(5)
img.convert_grayscale(); img.convert_precision(Gimp.Precision.U16_NON_LINEAR)
res, err = stack(img, **STILL)
assert err is None, err
print("D-LAYERS", desc(img.get_layers()), "GREY", int(img.get_layers()[0].is_gray()),
      "PRECISION", int(img.get_precision()))
save(img.get_layers()[0], "D_stack.png")
img.delete()
img = load_stack(5)
img.get_layers()[1].set_offsets(6, 4)
proc = pdb.lookup_procedure("plug-in-focus-align-layers")
cfg = proc.create_config()
cfg.set_property("run-mode", NI); cfg.set_property("image", img)
cfg.set_property("align", "rigid"); cfg.set_property("balance", "lumi")
res = proc.run(cfg)
assert res.index(0) == Gimp.PDBStatusType.SUCCESS, res.index(1)
ok, ox, oy = img.get_layers()[1].get_offsets()
print("E-LAYERS", desc(img.get_layers()), "OFFSETS %d,%d" % (ox, oy))
save(img.get_layers()[1], "E_frame3.png")
img.delete()
def size(d):
    return "%dx%d" % (d.get_width(), d.get_height())

# F: the stack with known motion, every option at its default (align auto, balance auto)
img = load_stack(7, "$M")
res, err = stack(img)
assert err is None, err
print("F-SIZE", size(res.index(2)))
save(res.index(2), "F_stack.png")
img.delete()
# G: the same with crop: canvas, result and the kept originals all cropped alike
img = load_stack(7, "$M")
res, err = stack(img, crop=True)
assert err is None, err
print("G-SIZE", "%dx%d" % (img.get_width(), img.get_height()), "RESULT", size(res.index(2)),
      "FRAME", size(img.get_layers()[3]))
save(res.index(2), "G_stack.png")
img.delete()
# H: Align Layers with alignment and balance off says that it did nothing
img = load_stack(3)
cfg = proc.create_config()
cfg.set_property("run-mode", NI); cfg.set_property("image", img)
cfg.set_property("align", "none"); cfg.set_property("balance", "none")
res = proc.run(cfg)
assert res.index(0) == Gimp.PDBStatusType.SUCCESS, res.index(1)
img.delete()

# P: a layer offset by (37, -12), alignment on (auto): registered onto the canvas, so the result
# is close to the run without the offset (P_still).
img = load_stack(5)
img.get_layers()[3].set_offsets(37, -12)
res, err = stack(img, balance="none")
assert err is None, err
print("P-RESULT", res.index(2).get_name(), size(res.index(2)), "ALPHA", int(res.index(2).has_alpha()))
save(res.index(2), "P_stack.png")
img.delete()
img = load_stack(5)
res, err = stack(img, balance="none")
assert err is None, err
save(res.index(2), "P_still.png")
img.delete()
# S: \`fstack stack --retouch-layers S.psd\` opened in GIMP: the plug-in's layout, and brushing a
# frame's mask brings that frame onto the result there too.
img = Gimp.file_load(NI, Gio.File.new_for_path("$OUT/S.psd"))
ls = img.get_layers()
print("S-LAYERS", desc(ls))
save(ls[5], "S_result.png"); save(ls[2].get_mask(), "S_mask2.png")
brush_layer(img, ls[0], "S_0.png"); brush_layer(img, ls[4], "S_4.png")
img.delete()

gt = Gimp.file_load(NI, Gio.File.new_for_path("$D/ground_truth.png"))
gt.convert_grayscale(); gt.convert_precision(Gimp.Precision.U16_NON_LINEAR)
save(gt.get_layers()[0], "D_truth.png"); gt.delete()

img = Gimp.file_load(NI, Gio.File.new_for_path("$D/frame_0.png"))
res, err = stack(img, layers="all")
print("ONE-LAYER-ERROR", err)
img.delete()

# W: Device CPU and Auto (A's options otherwise); V: Device CUDA GPU, the result where a CUDA
# device answers, else the reason before any work (the image keeps its layers).
for device in ("cpu", "auto"):
    img = load_stack(5)
    res, err = stack(img, device=device, **STILL)
    assert err is None, err
    save(res.index(2), "W_%s.png" % device)
    img.delete()
img = load_stack(2)
res, err = stack(img, device="cuda", **STILL)
print("V-RESULT", err if err else "ok", "LAYERS", len(img.get_layers()))
img.delete()
PY
# Script-Fu too, with named arguments (the documented call).
cat > "$SANDBOX/test.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png"))))
  (let loop ((i 1))
    (if (< i 5)
        (let ((lay (car (gimp-file-load-layer RUN-NONINTERACTIVE img (string-append "$D/frame_" (number->string i) ".png")))))
          (gimp-image-insert-layer img lay 0 0)
          (loop (+ i 1)))))
  (let* ((res (plug-in-focus-stack-layers #:run-mode RUN-NONINTERACTIVE #:image img
                                          #:stacker "pyramid" #:align "none" #:balance "none"
                                          #:new-image TRUE)))
    (gimp-message (string-append "SF-LAYERS " (number->string (vector-length (car (gimp-image-get-layers (car res)))))))
    (gimp-file-save RUN-NONINTERACTIVE (car res) "$OUT/SF_stack.png" -1)
    (gimp-image-delete (car res))
    (gimp-image-delete img)))
SCHEME
# Q: a cancel in each stage (FSTACK_TEST_CANCEL_AT ends the plug-in as GIMP's Cancel does) leaves
# the image as it was: the same layers, the same pixels, no undo step (the image stays clean).
cat > "$SANDBOX/cancel.py" <<PY
from gi.repository import Gimp, Gio
NI = Gimp.RunMode.NONINTERACTIVE
img = Gimp.file_load(NI, Gio.File.new_for_path("$D/frame_0.png"))
for i in (1, 2):
    img.insert_layer(Gimp.file_load_layer(NI, img, Gio.File.new_for_path("$D/frame_%d.png" % i)), None, 0)
img.clean_all()
proc = Gimp.get_pdb().lookup_procedure("plug-in-focus-stack-layers")
cfg = proc.create_config()
cfg.set_property("run-mode", NI); cfg.set_property("image", img); cfg.set_property("layers", "all")
for k in ("depth-map", "retouch-group", "sharpest-masks"):
    cfg.set_property(k, True)
res = proc.run(cfg)
ok = res.index(0) == Gimp.PDBStatusType.SUCCESS
print("CANCEL-RUN", "finished" if ok else "ended", "LAYERS", ";".join(l.get_name() for l in img.get_layers()),
      "DIRTY", int(img.is_dirty()))
for i, lay in enumerate(img.get_layers()):
    tmp = Gimp.Image.new(img.get_width(), img.get_height(), Gimp.ImageBaseType.RGB)
    tmp.insert_layer(Gimp.Layer.new_from_drawable(lay, tmp), None, 0)
    Gimp.file_save(NI, tmp, Gio.File.new_for_path("$OUT/Q_%d.png" % i), None)
    tmp.delete()
PY

LOG=$OUT/gimp.log
start=$SECONDS
# --quit: GIMP 3 exits 64 on a Python exception (without it, it keeps running after a failure).
timeout 500 "$GIMP" -i --quit --gimprc="$SANDBOX/gimprc" --batch-interpreter=python-fu-eval \
  -b - < "$SANDBOX/test.py" > "$LOG" 2>&1 || { cat "$LOG"; echo "gimp (python) exited $?"; exit 1; }
timeout 300 "$GIMP" -i --quit --gimprc="$SANDBOX/gimprc" --batch-interpreter=plug-in-script-fu-eval \
  -b "$(cat "$SANDBOX/test.scm")" >> "$LOG" 2>&1 || { cat "$LOG"; echo "gimp (script-fu) exited $?"; exit 1; }
echo "gimp-console-3.0 ran in $((SECONDS - start)) s"
QLOG=$OUT/cancel.log
: > "$QLOG"
for stage in "no such stage" "Frame actions" "Stack" "Preparing layers" "Creating layers"; do
  rm -f "$OUT"/Q_*.png
  FSTACK_TEST_CANCEL_AT=$stage timeout 300 "$GIMP" -i --quit --gimprc="$SANDBOX/gimprc" --batch-interpreter=python-fu-eval \
    -b - < "$SANDBOX/cancel.py" > "$OUT/cancel-one.log" 2>&1 || { cat "$OUT/cancel-one.log"; echo "gimp exited $?"; exit 1; }
  line=$(grep -o "CANCEL-RUN.*" "$OUT/cancel-one.log" | head -1 || true)
  same=yes
  for i in 0 1 2; do "$TOOL" psnr "$D/frame_$((2 - i)).png" "$OUT/Q_$i.png" 99 | grep -q ": inf dB" || same=no; done
  echo "CANCEL-AT $stage: $line PIXELS-SAME $same" | tee -a "$QLOG"
done

fails=0
check() { if "$@"; then echo "ok: ${*:2}"; else echo "FAIL: $*"; fails=$((fails + 1)); fi; }
has() { grep -qF -- "$1" "$LOG"; }
RETOUCH="Focus stack: pyramid: retouch frames[frame 1 of 5: frame_0+mask;frame 2 of 5: frame_1+mask;frame 3 of 5: frame_2+mask;frame 4 of 5: frame_3+mask;frame 5 of 5: frame_4+mask]"
check has "A-LAYERS $RETOUCH;Focus stack: pyramid;Focus stack: pyramid: depth map+hidden;frame_4;frame_3;frame_2;frame_1;frame_0 SAME-IMAGE yes RESULT-UNDER-FRAMES yes"
# (GIMP keeps layer names unique: the second run's frames get " #1".)
check has "T-LAYERS Focus stack: depthmap: retouch frames[frame 1 of 5: frame_0 #1+mask;frame 2 of 5: frame_1 #1+mask;frame 3 of 5: frame_2 #1+mask;frame 4 of 5: frame_3 #1+mask;frame 5 of 5: frame_4 #1+mask];Focus stack: depthmap;Focus stack: depthmap: depth map+hidden;$RETOUCH;Focus stack: pyramid;Focus stack: pyramid: depth map+hidden;frame_4;frame_3;frame_2;frame_1;frame_0"
check has "B-LAYERS Focus stack: depthmap;Focus stack: depthmap: depth map+hidden SOURCE frame_4;frame_3;frame_2;frame_1;frame_0"
check has "C-LAYERS Focus stack: pyramid;frame_4+hidden"
check has "D-LAYERS Focus stack: pyramid;frame_4;frame_3;frame_2;frame_1;frame_0 GREY 1 PRECISION 250"
check has "O-ERROR layer 'frame_1' is 320x240 at (37, -12), not the image's 320x240 at (0, 0)"
check has "E-LAYERS frame_4;frame_3;frame_2;frame_1;frame_0 OFFSETS 0,0"
check has "ONE-LAYER-ERROR Focus Stack Layers needs at least two layers (one per focus step); this image has 1 layer."
check has "SF-LAYERS 1"
check "$TOOL" psnr "$D/ref_pyramid.png" "$OUT/A_stack.png" 60
check "$TOOL" psnr "$D/ground_truth.png" "$OUT/A_stack.png" 30
check "$TOOL" equal-frac "$D/ref_pyramid_depth.png" "$OUT/A_depth.png" 0.999
check "$TOOL" black "$OUT/A_mask4.png"
for k in 0 2 4; do check "$TOOL" brushed "$D/frame_$k.png" "$OUT/A_stack.png" "$OUT/R_$k.png" 40 30 100 80; done
check "$TOOL" psnr "$D/ref_depthmap.png" "$OUT/B_stack.png" 60
# The second run equals a clean run of its stacker; the first run's result is still there, whole.
check "$TOOL" psnr-close "$D/ground_truth.png" "$OUT/B_stack.png" "$OUT/T_stack.png" 0.1
check "$TOOL" psnr "$OUT/A_stack.png" "$OUT/T_first.png" 99
check "$TOOL" psnr "$OUT/D_truth.png" "$OUT/D_stack.png" 30
check "$TOOL" psnr "$D/frame_3.png" "$OUT/E_frame3.png" 40 0.05
check "$TOOL" psnr "$D/ref_pyramid.png" "$OUT/SF_stack.png" 60
# Device: CPU is the default's result exactly; CUDA GPU runs where `fstack info` lists a device,
# and says why not where it lists none.
check "$TOOL" psnr "$OUT/A_stack.png" "$OUT/W_cpu.png" 99
if "$FSTACK" info | grep -q "^CUDA devices: none"; then
  check "$TOOL" psnr "$OUT/W_cpu.png" "$OUT/W_auto.png" 99
  check grep -qE "V-RESULT Device cuda: no usable CUDA device.* LAYERS 2$" "$LOG"
else
  check "$TOOL" psnr "$OUT/W_cpu.png" "$OUT/W_auto.png" 48
  check has "V-RESULT ok LAYERS 3"
fi
# The moved stack with the defaults: aligned (far above the unaligned stack), and as good as
# `fstack stack` with its defaults on the same files (within 0.2 dB against the ground truth).
check has "F-SIZE $("$TOOL" size "$M/cli.png")"
check "$TOOL" psnr-close "$M/ground_truth.png" "$M/cli.png" "$OUT/F_stack.png" 0.2 0.08
check "$TOOL" psnr-close "$M/ground_truth.png" "$M/ref_unaligned.png" "$OUT/F_stack.png" -10 0.08
check "$TOOL" psnr "$M/cli.png" "$OUT/F_stack.png" 50
C=$("$TOOL" size "$M/cli_crop.png")
check has "G-SIZE $C RESULT $C FRAME $C"
check "$TOOL" psnr "$M/cli_crop.png" "$OUT/G_stack.png" 50
check has "the layers were not changed"
. "$(dirname "$0")/shared_checks.sh"
# Help: GIMP took the plug-in's help domain, whose map sends both procedures to its own page.
check grep -qF "file://$PLUGDIR/fstack-gimp/help" "$GIMP3_DIRECTORY/pluginrc"
check grep -qF '<help-item id="plug-in-focus-stack-layers" ref="gimp-plugin.md"/>' "$PLUGDIR/fstack-gimp/help/en/gimp-help.xml"
if grep -q "Plug-in crashed" "$LOG" || [ $fails -ne 0 ]; then
  echo "--- gimp log ---"; cat "$LOG"; echo "gimp3 plug-in test: $fails check(s) failed"; exit 1
fi
echo "gimp3 plug-in test: all checks passed"
