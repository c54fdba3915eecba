// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fstack/actions.hpp"
#include "fstack/frame_action.hpp"
#include "fstack/rig_alignment.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::cli {

// The seed's frame actions as options of the commands that stack (--align, --balance,
// --vignetting, --noise-mask), applied on the fly in DESIGN's order:
// MaskNoise -> Vignetting -> AlignFrames -> BalanceFrames.
struct FrameActionOptions {
    std::string align = "auto";      // auto | none | rigid | homography
    std::string detector = "sift";   // sift | orb | akaze | brisk | surf
    std::string border = "replicate-blur";
    std::string balance = "auto";    // auto | none | lumi | rgb | hsv | hls
    std::string balance_map = "linear";
    double balance_mask = 0;
    bool vignetting = false;
    std::string noise_mask;
    std::optional<int> ref_idx;
    bool no_step = false;
    std::string plots;               // folder for the actions' plots
    std::string alignment;           // --alignment FILE: a rig's alignment to apply
    // The rig's alignment to apply instead of estimating one: read from `alignment` by
    // load_alignment(), or the median of a batch's first stacks (--alignment-from).
    std::shared_ptr<const RigAlignment> reuse;

    bool any() const { return align != "none" || balance != "none" || vignetting || !noise_mask.empty(); }
};

void add_frame_action_options(CLI::App& app, FrameActionOptions& options);

// Reads --alignment's file into options.reuse (once, before any stack). Throws Error(Usage) for
// --alignment with --align none, Error(Input) for a file that is not an alignment.
void load_alignment(FrameActionOptions& options);

// With a reused alignment: "; reused alignment: registration error 0.0213 -> 0.0061 (mean of 6
// frames)" for the summary line of a stack, else "".
std::string describe_reused_fit(const FrameActionOptions& options, const StackResult& result);

// The actions in pipeline order (none: an empty pipeline) with the reference rules. Throws
// Error(Usage).
FramePipeline frame_pipeline(const FrameActionOptions& options);

}  // namespace fstack::cli
