// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fstack/actions.hpp"
#include "fstack/frame_action.hpp"

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

    bool any() const { return align != "none" || balance != "none" || vignetting || !noise_mask.empty(); }
};

void add_frame_action_options(CLI::App& app, FrameActionOptions& options);

// The actions in pipeline order (none: an empty pipeline) with the reference rules. Throws
// Error(Usage).
FramePipeline frame_pipeline(const FrameActionOptions& options);

}  // namespace fstack::cli
