#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Real GIMP 2.10, headless: loads a synthetic stack as layers, runs plug-in-focus-stack-layers
# from Script-Fu, exports the results and checks pixels, layers and the one-layer message.
#   gimp2_test.sh GIMP_CONSOLE PLUGIN_DIR TEST_TOOL OUT_DIR FSTACK_CLI
set -euo pipefail
GIMP=$1; PLUGDIR=$(realpath "$2"); TOOL=$(realpath "$3"); OUT=$(realpath -m "$4"); FSTACK=$(realpath "$5")
rm -rf "$OUT"; mkdir -p "$OUT/data"
"$TOOL" make "$OUT/data"
D=$OUT/data
# A throwaway profile: GIMP writes its config, caches and pluginrc there, never in $HOME.
SANDBOX=$(mktemp -d); trap 'rm -rf "$SANDBOX"' EXIT
export HOME=$SANDBOX/home GIMP2_DIRECTORY=$SANDBOX/gimp2 XDG_CONFIG_HOME=$SANDBOX/config XDG_CACHE_HOME=$SANDBOX/cache
unset DISPLAY; mkdir -p "$HOME"
printf '(plug-in-path "${gimp_dir}/plug-ins:${gimp_plug_in_dir}/plug-ins:%s")\n' "$PLUGDIR" > "$SANDBOX/gimprc"

# A stack with known motion, and what `fstack stack` makes of it with its defaults (and --crop).
M=$OUT/moved; mkdir -p "$M"
"$TOOL" make-moved "$M"
"$FSTACK" stack "$M"/frame_*.png -o "$M/cli.png" -q
"$FSTACK" stack "$M"/frame_*.png -o "$M/cli_crop.png" --crop -q
# S: the CLI's retouch document, read back by GIMP below.
"$FSTACK" stack "$D"/frame_*.png -o "$OUT/S_cli.png" --align none --balance none --retouch-layers "$OUT/S.psd" -q

# Arguments after run-mode/image/drawable, in the order `pdb` lists them (docs/gimp-plugin.md):
# layers stacker pyramid-min-size kernel-size gen-kernel cross-scale consistency map-type energy
# blur-size smooth-size radius smoothing scale-factor denoise vignetting align balance crop
# new-image depth-map retouch-group sharpest-masks keep-originals. Choices by index: align 0 auto, 1 none,
# 2 rigid, 3 homography; balance 0 auto, 1 none, 2 lumi, 3 rgb, 4 hsv, 5 hls.
cat > "$SANDBOX/test.scm" <<SCHEME
(define (load-from dir n)
  (let* ((first (string-append dir "/frame_0.png"))
         (img (car (gimp-file-load RUN-NONINTERACTIVE first first))))
    (gimp-item-set-name (aref (cadr (gimp-image-get-layers img)) 0) "frame_0")
    (let loop ((i 1))
      (if (< i n)
          (let* ((path (string-append dir "/frame_" (number->string i) ".png"))
                 (lay (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img path)) 0)))
            (gimp-image-insert-layer img lay 0 0)
            (gimp-item-set-name lay (string-append "frame_" (number->string i)))
            (loop (+ i 1)))))
    img))
(define (load-stack n) (load-from "$D" n))
(define (size-of d) (string-append (number->string (car (gimp-drawable-width d))) "x"
                                   (number->string (car (gimp-drawable-height d)))))
(define (layer-desc l)
  (if (= (car (gimp-item-is-group l)) 1)
      (string-append (car (gimp-item-get-name l)) "[" (list-desc (gimp-item-get-children l)) "]")
      (string-append (car (gimp-item-get-name l))
                     (if (= (car (gimp-layer-get-mask l)) -1) "" "+mask")
                     (if (= (car (gimp-item-get-visible l)) 1) "" "+hidden"))))
(define (list-desc r)
  (let loop ((i 0) (acc ""))
    (if (= i (car r)) acc
        (loop (+ i 1) (string-append acc (if (= i 0) "" ";") (layer-desc (aref (cadr r) i)))))))
(define (layer img i) (aref (cadr (gimp-image-get-layers img)) i))
(define (save img drw name)
  (file-png-save-defaults RUN-NONINTERACTIVE img drw (string-append "$OUT/" name) (string-append "$OUT/" name)))
(define (stack img layers stacker new depth retouch keep)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (layer img 0)
    layers stacker 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 1 1 0 new depth retouch 0 keep))
(define (stack-defaults img crop)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (layer img 0)
    1 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 0 0 crop 0 0 0 0 1))
(define (stack-device img device)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (layer img 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 device 0 1 1 0 0 0 0 0 1))
; Paints white into the mask of layer `lay` over the rectangle 40 30 100 80, saves the visible
; image, and paints the mask black again. (brush img k name): frame k of the retouch group (the
; group's child k, nearest focus first).
(define (fill-mask img lay fill)
  (let ((mask (car (gimp-layer-get-mask lay))))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 40 30 100 80)
    (gimp-drawable-edit-fill mask fill)
    (gimp-selection-none img)))
(define (brush-layer img lay name)
  (gimp-context-set-foreground '(0 0 0))
  (gimp-context-set-background '(255 255 255))
  (fill-mask img lay FILL-BACKGROUND)
  (let ((vis (car (gimp-layer-new-from-visible img img "visible"))))
    (gimp-image-insert-layer img vis 0 0)
    (save img vis name)
    (gimp-image-remove-layer img vis))
  (fill-mask img lay FILL-FOREGROUND))
(define (brush img k name) (brush-layer img (aref (cadr (gimp-item-get-children (layer img 0))) k) name))
(define (stack-align img align)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (layer img 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 align 1 0 0 0 0 0 1))

; The cases A-E ask for no frame actions (align none, balance none): their frames do not move.
; A: pyramid into the same image, with depth map and retouch frames; R: a retouch stroke on the
; first, middle and last frame's mask brings exactly that frame onto the result.
(let* ((img (load-stack 5))
       (r (stack img 0 0 0 1 1 1)))
  (gimp-message (string-append "A-LAYERS " (list-desc (gimp-image-get-layers img))
                               " SAME-IMAGE " (if (= (car r) img) "yes" "no")
                               " RESULT-UNDER-FRAMES " (if (= (cadr r) (layer img 1)) "yes" "no")))
  (save img (layer img 1) "A_stack.png")
  (save img (layer img 2) "A_depth.png")
  (let ((frame4 (aref (cadr (gimp-item-get-children (layer img 0))) 4)))
    (save img (car (gimp-layer-get-mask frame4)) "A_mask4.png"))
  (brush img 0 "R_0.png")
  (brush img 2 "R_2.png")
  (brush img 4 "R_4.png")
  (gimp-image-delete img))
; T: a second run with another stacker takes the source layers only, not the first run's
(let* ((img (load-stack 5))
       (r1 (stack img 0 0 0 1 1 1))
       (r2 (stack img 0 1 0 1 1 1)))
  (gimp-message (string-append "T-LAYERS " (list-desc (gimp-image-get-layers img))))
  (save img (cadr r2) "T_stack.png")
  (save img (cadr r1) "T_first.png")
  (gimp-image-delete img))
; B: depth-map stacker into a new image
(let* ((img (load-stack 5))
       (r (stack img 0 1 1 1 0 1))
       (res (car r)))
  (gimp-message (string-append "B-LAYERS " (list-desc (gimp-image-get-layers res))
                               " SOURCE " (list-desc (gimp-image-get-layers img))))
  (save res (layer res 0) "B_stack.png")
  (gimp-image-delete res)
  (gimp-image-delete img))
; C: visible layers only, originals replaced
(let* ((img (load-stack 5)))
  (gimp-item-set-visible (layer img 0) 0)
  (stack img 1 0 0 0 0 0)
  (gimp-message (string-append "C-LAYERS " (list-desc (gimp-image-get-layers img))))
  (save img (layer img 0) "C_stack.png")
  (gimp-image-delete img))
; D: 16-bit grey image
(let* ((img (load-stack 5)))
  (gimp-image-convert-grayscale img)
  (gimp-image-convert-precision img 250)
  (stack img 0 0 0 0 0 1)
  (gimp-message (string-append "D-LAYERS " (list-desc (gimp-image-get-layers img))
                               " GREY " (number->string (car (gimp-drawable-is-gray (layer img 0))))
                               " PRECISION " (number->string (car (gimp-image-get-precision img)))))
  (save img (layer img 0) "D_stack.png")
  (gimp-image-delete img))
; E: Align Layers (rigid, luminosity balance) on a stack with one layer moved
(let* ((img (load-stack 5)))
  (gimp-layer-set-offsets (layer img 1) 6 4)
  (plug-in-focus-align-layers RUN-NONINTERACTIVE img (layer img 0) 0 0 2 2 0)
  (let ((off (gimp-drawable-offsets (layer img 1))))
    (gimp-message (string-append "E-LAYERS " (list-desc (gimp-image-get-layers img))
                                 " OFFSETS " (number->string (car off)) "," (number->string (cadr off)))))
  (save img (layer img 1) "E_frame3.png")
  (gimp-image-delete img))
; F: the stack with known motion, every option at its default (align auto, balance auto)
(let* ((img (load-from "$M" 7))
       (r (stack-defaults img 0)))
  (gimp-message (string-append "F-SIZE " (size-of (cadr r))))
  (save img (cadr r) "F_stack.png")
  (gimp-image-delete img))
; G: the same with crop: canvas, result and the kept originals all cropped alike
(let* ((img (load-from "$M" 7))
       (r (stack-defaults img 1)))
  (gimp-message (string-append "G-SIZE " (number->string (car (gimp-image-width img))) "x"
                               (number->string (car (gimp-image-height img)))
                               " RESULT " (size-of (cadr r)) " FRAME " (size-of (layer img 3))))
  (save img (cadr r) "G_stack.png")
  (gimp-image-delete img))
; H: Align Layers with alignment and balance off says that it did nothing
(let* ((img (load-stack 3)))
  (plug-in-focus-align-layers RUN-NONINTERACTIVE img (layer img 0) 0 0 1 1 0)
  (gimp-image-delete img))
; P: a layer offset by (37, -12), alignment on (auto): registered onto the canvas, so the result
; is close to the run without the offset (P_still).
(let* ((img (load-stack 5)))
  (gimp-layer-set-offsets (layer img 3) 37 -12)
  (let ((r (stack-align img 0)))
    (gimp-message (string-append "P-RESULT " (car (gimp-item-get-name (cadr r))) " " (size-of (cadr r))
                                 " ALPHA " (number->string (car (gimp-drawable-has-alpha (cadr r))))))
    (save img (cadr r) "P_stack.png"))
  (gimp-image-delete img))
(let* ((img (load-stack 5)) (r (stack-align img 0)))
  (save img (cadr r) "P_still.png")
  (gimp-image-delete img))
; L: a script's arguments are not remembered: RUN-WITH-LAST-VALS after a scripted depth-map run
; still uses the defaults (pyramid, align auto), as no dialog ever ran.
(let* ((img (load-stack 3)))
  (stack img 0 1 0 0 0 1)
  (let ((r (plug-in-focus-stack-layers RUN-WITH-LAST-VALS img (layer img 0)
             0 1 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 1 1 0 0 0 0 0 1)))
    (gimp-message (string-append "L-NAME " (car (gimp-item-get-name (cadr r))))))
  (gimp-image-delete img))
; S: `fstack stack --retouch-layers S.psd` opened in GIMP: the plug-in's layout, and brushing a
; frame's mask brings that frame onto the result there too.
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$OUT/S.psd" "$OUT/S.psd"))))
  (gimp-message (string-append "S-LAYERS " (list-desc (gimp-image-get-layers img))))
  (save img (layer img 5) "S_result.png")
  (save img (car (gimp-layer-get-mask (layer img 2))) "S_mask2.png")
  (brush-layer img (layer img 0) "S_0.png")
  (brush-layer img (layer img 4) "S_4.png")
  (gimp-image-delete img))
; W: Device CPU and Auto (A's options otherwise): the CPU gives A's pixels; Auto the same where
; no GPU answers, the same within one level on a GPU.
(let* ((img (load-stack 5)) (r (stack-device img 1)))
  (save img (cadr r) "W_cpu.png")
  (gimp-image-delete img))
(let* ((img (load-stack 5)) (r (stack-device img 0)))
  (save img (cadr r) "W_auto.png")
  (gimp-image-delete img))
; D's reference: the ground truth through GIMP's own grey conversion (luminance, not luma)
(let* ((gt (car (gimp-file-load RUN-NONINTERACTIVE "$D/ground_truth.png" "$D/ground_truth.png"))))
  (gimp-image-convert-grayscale gt)
  (gimp-image-convert-precision gt 250)
  (save gt (layer gt 0) "D_truth.png")
  (gimp-image-delete gt))
SCHEME
cat > "$SANDBOX/one.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 0 0 0 0 0 0 0 1))
SCHEME
# V: Device CUDA GPU: the result where a CUDA device answers, else the reason, before any work.
cat > "$SANDBOX/cuda.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_1.png")) 0) 0 0)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 2 0 1 1 0 0 0 0 0 1)
  (gimp-message (string-append "V-LAYERS " (number->string (car (gimp-image-get-layers img))))))
SCHEME
# O: with alignment off, a layer that does not lie on the canvas is refused by name.
# (A batch of its own, as a failed call ends its batch; definitions do not carry across batches.)
cat > "$SANDBOX/offset.scm" <<SCHEME
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_1.png")) 0) 0 0)
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_2.png")) 0) 0 0)
  (gimp-item-set-name (aref (cadr (gimp-image-get-layers img)) 1) "frame_1")
  (gimp-layer-set-offsets (aref (cadr (gimp-image-get-layers img)) 1) 37 -12)
  (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (aref (cadr (gimp-image-get-layers img)) 0)
    0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 1 1 0 0 0 0 0 1))
SCHEME
# Q: a cancel in each stage (FSTACK_TEST_CANCEL_AT ends the plug-in as GIMP's Cancel does) leaves
# the image as it was: the same layers, the same pixels, no undo step (the image stays clean).
cat > "$SANDBOX/cancel.scm" <<SCHEME
(define (layer img i) (aref (cadr (gimp-image-get-layers img)) i))
(define (names img)
  (let loop ((i 0) (acc ""))
    (if (= i (car (gimp-image-get-layers img))) acc
        (loop (+ i 1) (string-append acc (if (= i 0) "" ";") (car (gimp-item-get-name (layer img i))))))))
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "$D/frame_0.png" "$D/frame_0.png"))))
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_1.png")) 0) 0 0)
  (gimp-image-insert-layer img (aref (cadr (gimp-file-load-layers RUN-NONINTERACTIVE img "$D/frame_2.png")) 0) 0 0)
  (gimp-image-clean-all img)
  (let ((r (catch #f (plug-in-focus-stack-layers RUN-NONINTERACTIVE img (layer img 0)
                        0 0 32 5 0.4 1 1 0 0 5 32 8 4 2 0.0 0 0 0 0 0 0 1 1 1 1))))
    (gimp-message (string-append "CANCEL-RUN " (if r "finished" "ended") " LAYERS " (names img)
                                 " DIRTY " (number->string (car (gimp-image-is-dirty img))))))
  (let loop ((i 0))
    (if (< i 3)
        (let ((path (string-append "$OUT/Q_" (number->string i) ".png")))
          (file-png-save-defaults RUN-NONINTERACTIVE img (layer img i) path path)
          (loop (+ i 1))))))
SCHEME

LOG=$OUT/gimp.log
start=$SECONDS
# gimp-console-2.10 exits 0 even when a batch command fails, and never exits without
# (gimp-quit 0): the log is the verdict, and timeout guards the hang.
timeout 500 "$GIMP" -i --gimprc="$SANDBOX/gimprc" -b "$(cat "$SANDBOX/test.scm")" \
  -b "$(cat "$SANDBOX/one.scm")" -b "$(cat "$SANDBOX/offset.scm")" -b "$(cat "$SANDBOX/cuda.scm")" -b '(gimp-quit 0)' > "$LOG" 2>&1 || { cat "$LOG"; echo "gimp exited $?"; exit 1; }
echo "gimp-console-2.10 ran in $((SECONDS - start)) s"
QLOG=$OUT/cancel.log
: > "$QLOG"
for stage in "no such stage" "Frame actions" "Stack" "Preparing layers" "Creating layers"; do
  rm -f "$OUT"/Q_*.png
  FSTACK_TEST_CANCEL_AT=$stage timeout 300 "$GIMP" -i --gimprc="$SANDBOX/gimprc" -b "$(cat "$SANDBOX/cancel.scm")" \
    -b '(gimp-quit 0)' > "$OUT/cancel-one.log" 2>&1 || { cat "$OUT/cancel-one.log"; echo "gimp exited $?"; exit 1; }
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
check has "layer 'frame_1' is 320x240 at (37, -12), not the image's 320x240 at (0, 0)"
# The one-layer image: the plug-in's own sentence reaches the Script-Fu caller.
check has "E-LAYERS frame_4;frame_3;frame_2;frame_1;frame_0 OFFSETS 0,0"
check has "failed: Focus Stack Layers needs at least two layers (one per focus step); this image has 1 layer."
# Device: CPU is the default's result exactly; CUDA GPU runs where `fstack info` lists a device,
# and says why not where it lists none (the image keeps its 2 layers).
check "$TOOL" psnr "$OUT/A_stack.png" "$OUT/W_cpu.png" 99
if "$FSTACK" info | grep -q "^CUDA devices: none"; then
  check "$TOOL" psnr "$OUT/W_cpu.png" "$OUT/W_auto.png" 99
  check has "failed: Device cuda: no usable CUDA device"
  if has "V-LAYERS"; then echo "FAIL: a CUDA run without a device added layers"; fails=$((fails + 1)); fi
else
  check "$TOOL" psnr "$OUT/W_cpu.png" "$OUT/W_auto.png" 48
  check has "V-LAYERS 3"
fi
# Pixels: the same as the core run directly on the same frames, and close to the ground truth.
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
# The moved layer is back in place: frame 3 as rendered, but for the balance and the border.
check "$TOOL" psnr "$D/frame_3.png" "$OUT/E_frame3.png" 40 0.05
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
check has "L-NAME Focus stack: pyramid, aligned"
# Help: GIMP took the plug-in's help domain, whose map sends both procedures to its own page.
check grep -qF "(help-def \"fstack-gimp\" \"file://$PLUGDIR/fstack-gimp/help\")" "$GIMP2_DIRECTORY/pluginrc"
check grep -qF '<help-item id="plug-in-focus-stack-layers" ref="gimp-plugin.md"/>' "$PLUGDIR/fstack-gimp/help/en/gimp-help.xml"
check grep -qF "### plug-in-focus-stack-layers" "$PLUGDIR/fstack-gimp/help/en/gimp-plugin.md"
if grep -q "Plug-in crashed" "$LOG" || [ $fails -ne 0 ]; then
  echo "--- gimp log ---"; cat "$LOG"; echo "gimp2 plug-in test: $fails check(s) failed"; exit 1
fi
echo "gimp2 plug-in test: all checks passed"
