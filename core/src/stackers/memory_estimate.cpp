// SPDX-License-Identifier: GPL-3.0-or-later
// The peak memory of a stack, per stacker and option: factors measured with /usr/bin/time.
#include "fstack/memory_estimate.hpp"

#include "actions/frame_reduce.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/limits.hpp"

namespace fstack {
// Measured: peak RSS (/usr/bin/time -f %M) of `fstack stack --threads 1` on 3 synthetic frames
// (GCC 12, OpenCV 4.6; c672d49, 2026-12-06) less the 68 MiB of the same run on 200x150 frames,
// over the frame's megapixels; "MiB/MP" is MiB per million pixels (the README's memory table
// has every row).
//   3000x2000 8-bit JPEG, --align none --balance none: pyramid 72.8, depthmap 67.8 (average
//   71.7), focusmeasure at scale factor 1/2/3/4: 40.2/75.5/132.8/210.8 (6000x4000: pyramid
//   72.7, focusmeasure 2: 75.0; 9000x6000: pyramid 72.7: per pixel, the figures do not depend
//   on the size); 3000x2000 16-bit TIFF: pyramid 78.0, depthmap 80.0, focusmeasure 2: 80.2;
//   alignment, which analyses a copy reduced by a whole factor to at most 1000 px on the long
//   side (FramePipelineOptions::analysis_size), adds little per pixel: --align rigid +31 MiB at
//   3000x2000, +95 at 6000x4000 and +176 at 9000x6000 (pyramid); at 3000x2000 the defaults
//   (auto, balance auto) 78.2 MiB/MP, homography 82.7, depthmap rigid 76.5, focusmeasure 4
//   rigid 221.0, pyramid rigid 16-bit 102.3; on two threads both halves of the stack are
//   analysed at once: defaults +61 MiB over --align none at 3000x2000;
//   --balance lumi 101.5 MiB/MP; --denoise 1 73.0; bunches (--bunch 2 --overlap 1) 73.0.
// The factors below lie above every one of those figures, so that a stack refused would not
// have fit, and by little, so that a stack that fits is not refused.
MemoryEstimate estimate_stack_memory(const Stacker& stacker, const FramePipeline& pipeline, double denoise,
                                     const ImageInfo& frame, bool bunches) {
    MemoryEstimate e;
    double mib_per_mp = 74;  // pyramid, depthmap, and any stacker not named below
    e.what = stacker.name();
    if (const auto* f = dynamic_cast<const FocusStacker*>(&stacker)) {
        const double s = f->options().scale_factor;
        mib_per_mp = 30 + 12.5 * s * s;  // 42.5, 80, 142.5, 230
        e.what += " at scale factor " + std::to_string(f->options().scale_factor);
    }
    if (frame.depth == CV_16U) mib_per_mp += 14;
    // Developing a raw frame holds LibRaw's buffers (the mosaic, a 4-channel 16-bit image, the
    // 16-bit RGB result) and our BGR copy while it lasts: 506 MiB above the process's baseline
    // (getrusage) for a 24 MP 14-bit DNG with fstack's LibRaw settings, 21 MiB/MP; 25 with room.
    if (frame.format == FileFormat::Raw) {
        mib_per_mp += 25;
        e.what += ", raw frames";
    }
    // The stackers work on float copies of every channel: RGBA costs a third more than RGB.
    if (frame.channels > 3) mib_per_mp *= frame.channels / 3.0;
    bool aligned = false, others = false;
    for (const auto& action : pipeline.actions) (action->name() == "AlignFrames" ? aligned : others) = true;
    if (others) mib_per_mp += 28;
    if (denoise > 0) mib_per_mp += 2;
    if (bunches) mib_per_mp += 2;
    const double pixels = double(frame.width) * double(frame.height);
    double mib = mib_per_mp * pixels / 1e6 + 16;
    if (aligned) {
        // The analysis copies (both halves' chains, their pyramids), 125 MiB per megapixel of
        // the copy, and the full-size warp's rows, 3 per megapixel of the frame.
        const int factor = reduction_factor({frame.width, frame.height}, pipeline.options.analysis_size);
        const double analysed = pixels / (double(factor) * factor);
        mib += 125 * analysed / 1e6 + 3 * pixels / 1e6;
        e.what += ", aligned";
    }
    e.bytes = static_cast<std::uint64_t>(mib * 1024 * 1024);
    return e;
}

void check_stack_fits(const MemoryEstimate& estimate, const ImageInfo& frame, const std::string& file,
                      int frame_index) {
    check_stack_memory(estimate.bytes, frame.width, frame.height, estimate.what, file, frame_index);
}

}  // namespace fstack
