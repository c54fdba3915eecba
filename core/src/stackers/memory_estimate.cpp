// SPDX-License-Identifier: GPL-3.0-or-later
// The peak memory of a stack, per stacker and option: factors measured with /usr/bin/time.
#include "fstack/memory_estimate.hpp"

#include "actions/frame_reduce.hpp"
#include "fstack/depthmap_stack.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/limits.hpp"

namespace fstack {
// Measured: peak RSS (/usr/bin/time -f %M) of `fstack stack --threads 1` on 3 frames (fstack_bench's
// rendered JPEGs, synth.py's 16-bit TIFFs; GCC 12, OpenCV 4.6; cc04584, 2026-12-07) less the
// peak of the same run on 200x150 frames (62 to 81 MiB), over the frame's megapixels; "MiB/MP"
// is MiB per million pixels (the README's memory table has every row).
//   3000x2000 8-bit JPEG, --align none --balance none: pyramid 53.7 (6000x4000 53.7, 9000x6000
//   53.8: per pixel, the figures do not depend on the size), depthmap 49.7 (average 71.4),
//   focusmeasure at scale factor 1/2/3/4: 37.2/75.2/132.2/211.1 (6000x4000, 2: 75.2); 3000x2000
//   16-bit TIFF: pyramid 63.5, depthmap 54.3, focusmeasure 2: 84.7; alignment, which analyses a
//   copy reduced by a whole factor to at most 1000 px on the long side
//   (FramePipelineOptions::analysis_size), adds little per pixel: --align rigid 63.2 at
//   3000x2000, 55.6 at 6000x4000, 59.7 at 9000x6000 (pyramid); at 3000x2000 the defaults (auto,
//   balance auto) 60.6 MiB/MP (61.1 on frames whose gains and shifts it applies), homography
//   62.0, depthmap rigid 52.0, focusmeasure 4 rigid 215.6, pyramid rigid 16-bit 78.2;
//   --balance lumi 82.7 MiB/MP; --denoise 1 52.8; bunches (--bunch 2 --overlap 1) 53.7.
// The factors below lie above every one of those figures, so that a stack refused would not
// have fit, and by little, so that a stack that fits is not refused.
MemoryEstimate estimate_stack_memory(const Stacker& stacker, const FramePipeline& pipeline, double denoise,
                                     const ImageInfo& frame, bool bunches) {
    MemoryEstimate e;
    double mib_per_mp = 57;  // pyramid, and any stacker not named below
    e.what = stacker.name();
    if (const auto* d = dynamic_cast<const DepthMapStack*>(&stacker))
        mib_per_mp = d->options().map_type == MapType::Average ? 74 : 52;
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
    // Actions that analyse reduced copies and replay on the frames as they are (BalanceFrames
    // AUTO, the default) hold no full-size float copy: only the others cost their +28.
    for (const auto& action : pipeline.actions) {
        if (action->name() == "AlignFrames") aligned = true;
        else if (!(action->analyses_reduced() && action->replays_native())) others = true;
    }
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
