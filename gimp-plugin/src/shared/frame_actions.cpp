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
// borders): a dialog stays short, and a script that needs more calls the CLI. The defaults are
// the CLI's: alignment and balance "auto" (applied only where they help: a stack that does not
// move, or is evenly lit, stays untouched), no crop.
std::vector<ParamDef> frame_action_params() {
    return {
        {"vignetting", "_Vignetting correction", "Fit and divide out the vignetting of each frame first",
         ParamKind::Bool, 0, 0, 1, {}},
        {"align", "_Alignment",
         "Align every frame to the middle one (AlignFrames): auto (rotation, scale and shift, applied "
         "only to the frames it improves), none, rigid (always applied) or homography",
         ParamKind::Choice, 0, 0, 3,
         {{"auto", "Auto"}, {"none", "None"}, {"rigid", "Rigid (rotation, scale, shift)"},
          {"homography", "Homography"}}},
        {"balance", "_Balance",
         "Match brightness/colour to the middle frame (BalanceFrames): auto (a gain per frame, applied "
         "only above half a percent), none, or the seed's modes",
         ParamKind::Choice, 0, 0, 5,
         {{"auto", "Auto"}, {"none", "None"}, {"lumi", "Luminosity"}, {"rgb", "RGB"}, {"hsv", "HSV"},
          {"hls", "HLS"}}},
        {"crop", "_Crop to the area every frame covers",
         "Crop the image to the rectangle that every aligned frame covers (off: keep the size, the "
         "borders filled from the frames' edges)",
         ParamKind::Bool, 0, 0, 1, {}},
    };
}

bool have_frame_actions() { return true; }

std::string chosen(const ParamValues& v, const char* name) {
    static const std::vector<ParamDef> defs = frame_action_params();
    return choice_id(defs, v, name);
}

bool wants_frame_actions(const ParamValues& v) {
    const std::string balance = chosen(v, "balance");
    return (v.count("vignetting") && v.at("vignetting") != 0) || chosen(v, "align") != "none" ||
           balance != "none";
}

FramePipeline frame_pipeline(const ParamValues& v) {
    FramePipeline pipeline;
    // The seed's order: Vignetting -> AlignFrames -> BalanceFrames.
    std::vector<std::unique_ptr<FrameAction>>& actions = pipeline.actions;
    if (v.count("vignetting") && v.at("vignetting") != 0) actions.push_back(std::make_unique<Vignetting>());
    if (const std::string align = chosen(v, "align"); align != "none") {
        AlignFramesOptions o;
        o.alignment_config.transform = align == "homography" ? AlignTransform::Homography : AlignTransform::Rigid;
        o.alignment_config.verify = align == "auto";  // as `fstack stack --align auto`
        actions.push_back(std::make_unique<AlignFrames>(o));
    }
    if (const std::string balance = chosen(v, "balance"); balance != "none") {
        BalanceFramesOptions o;
        o.channel = balance == "auto"   ? BalanceChannel::Auto
                  : balance == "rgb"  ? BalanceChannel::Rgb
                  : balance == "hsv"  ? BalanceChannel::Hsv
                  : balance == "hls"  ? BalanceChannel::Hls
                                      : BalanceChannel::Lumi;
        actions.push_back(std::make_unique<BalanceFrames>(o));
    }
    return pipeline;
}

}  // namespace fstack::gimp
