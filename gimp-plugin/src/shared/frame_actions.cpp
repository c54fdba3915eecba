// SPDX-License-Identifier: GPL-3.0-or-later
#include "frame_actions.hpp"

#include "fstack/actions.hpp"
#include "fstack/align_frames.hpp"
#include "fstack/balance_frames.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/vignetting.hpp"

namespace fstack::gimp {

// The options of `fstack stack` for the seed's Vignetting, AlignFrames and BalanceFrames, with
// the core's defaults for everything not listed (SIFT features, KNN matching, ReplicateBlur
// borders): a dialog stays short, and a script that needs more calls the CLI.
std::vector<ParamDef> frame_action_params() {
    return {
        {"vignetting", "_Vignetting correction", "Fit and divide out the vignetting of each frame first",
         ParamKind::Bool, 0, 0, 1, {}},
        {"align", "_Alignment", "Align every frame to the middle one (AlignFrames)", ParamKind::Choice, 0, 0, 2,
         {{"none", "None"}, {"rigid", "Rigid (rotation, scale, shift)"}, {"homography", "Homography"}}},
        {"balance", "_Balance", "Match brightness/colour to the middle frame (BalanceFrames)",
         ParamKind::Choice, 0, 0, 4,
         {{"none", "None"}, {"lumi", "Luminosity"}, {"rgb", "RGB"}, {"hsv", "HSV"}, {"hls", "HLS"}}},
    };
}

bool have_frame_actions() { return true; }

bool wants_frame_actions(const ParamValues& v) {
    auto on = [&](const char* name) { return v.count(name) && v.at(name) != 0; };
    return on("vignetting") || on("align") || on("balance");
}

FramePipeline frame_pipeline(const ParamValues& v) {
    FramePipeline pipeline;
    if (!wants_frame_actions(v)) return pipeline;
    // The seed's order: Vignetting -> AlignFrames -> BalanceFrames.
    std::vector<std::unique_ptr<FrameAction>>& actions = pipeline.actions;
    if (v.at("vignetting") != 0) actions.push_back(std::make_unique<Vignetting>());
    if (const int align = int(v.at("align")); align != 0) {
        AlignFramesOptions o;
        o.alignment_config.transform = align == 1 ? AlignTransform::Rigid : AlignTransform::Homography;
        actions.push_back(std::make_unique<AlignFrames>(o));
    }
    if (const int balance = int(v.at("balance")); balance != 0) {
        BalanceFramesOptions o;
        const BalanceChannel channels[] = {BalanceChannel::Lumi, BalanceChannel::Rgb, BalanceChannel::Hsv,
                                           BalanceChannel::Hls};
        o.channel = channels[balance - 1];
        actions.push_back(std::make_unique<BalanceFrames>(o));
    }
    return pipeline;
}

}  // namespace fstack::gimp
