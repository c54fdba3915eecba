# SPDX-License-Identifier: GPL-3.0-or-later
# The checks gimp2_test.sh and gimp3_test.sh share: the offset layer (P), the CLI's retouch PSD
# read back (S) and the cancel in each stage (Q). Sourced after each script has run GIMP; uses
# their check and has, and $TOOL, $OUT, $D, $QLOG.
check has "P-RESULT Focus stack: pyramid, aligned 320x240 ALPHA 0"
# Measured: 40.5 dB in GIMP 2.10 and 3 (the psnr line below prints it); the same frame shifted without
# alignment (fstack stack --align none on the shifted PNG) scores 18.3 dB.
check "$TOOL" psnr "$OUT/P_still.png" "$OUT/P_stack.png" 30
check has "S-LAYERS frame 1 of 5: frame_0.png+mask;frame 2 of 5: frame_1.png+mask;frame 3 of 5: frame_2.png+mask;frame 4 of 5: frame_3.png+mask;frame 5 of 5: frame_4.png+mask;Focus stack;Depth map+hidden"
check "$TOOL" psnr "$OUT/S_cli.png" "$OUT/S_result.png" 99
check "$TOOL" black "$OUT/S_mask2.png"
check "$TOOL" brushed "$D/frame_0.png" "$OUT/S_result.png" "$OUT/S_0.png" 40 30 100 80
check "$TOOL" brushed "$D/frame_4.png" "$OUT/S_result.png" "$OUT/S_4.png" 40 30 100 80
for stage in "Frame actions" "Stack" "Preparing layers" "Creating layers"; do
  check grep -qF "CANCEL-AT $stage: CANCEL-RUN ended LAYERS frame_2.png;frame_1.png;Background DIRTY 0 PIXELS-SAME yes" "$QLOG"
done
# The control: a stage name that matches none, so the run finishes and adds its layers.
check grep -qF "CANCEL-AT no such stage: CANCEL-RUN finished LAYERS Focus stack: pyramid, aligned: retouch frames;Focus stack: pyramid, aligned;Focus stack: pyramid, aligned: depth map;Focus stack: pyramid, aligned: sharpest-frame masks;frame_2.png;frame_1.png;Background DIRTY 1" "$QLOG"
