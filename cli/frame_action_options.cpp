// SPDX-License-Identifier: GPL-3.0-or-later
#include "frame_action_options.hpp"

#include <cstdio>

#include "fstack/align_frames.hpp"
#include "fstack/balance_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/mask_noise.hpp"
#include "fstack/noise_detection.hpp"
#include "fstack/vignetting.hpp"

namespace fstack::cli {

void add_frame_action_options(CLI::App& app, FrameActionOptions& o) {
    const std::string group = "Frame actions (before stacking)";
    app.add_option("--align", o.align,
                   "Register the frames onto the reference: auto (rotation, uniform scale and shift, applied "
                   "only to frames it measurably improves: a stack that does not move stays untouched), "
                   "rigid (the same, always applied), homography (full perspective) or none")
        ->check(CLI::IsMember({"auto", "none", "rigid", "homography"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(group);
    app.add_option("--align-detector", o.detector, "Feature detector for --align (descriptor: the same, "
                                                   "SIFT for surf)")
        ->check(CLI::IsMember({"sift", "orb", "akaze", "brisk", "surf"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(group);
    app.add_option("--align-border", o.border, "What fills the area a warped frame does not cover")
        ->check(CLI::IsMember({"constant", "replicate", "replicate-blur"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(group);
    app.add_option("--balance", o.balance,
                   "Match each frame's brightness to the reference: auto (a gain per frame, per channel "
                   "where they disagree, fitted on the area it shares with its neighbour and applied only "
                   "above half a percent: even light stays untouched), lumi (one gain), rgb (per "
                   "channel), hsv / hls (saturation and value / lightness), or none")
        ->check(CLI::IsMember({"auto", "none", "lumi", "rgb", "hsv", "hls"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(group);
    app.add_option("--balance-map", o.balance_map, "Correction curve of --balance")
        ->check(CLI::IsMember({"linear", "gamma", "match-hist"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(group);
    app.add_option("--balance-mask", o.balance_mask,
                   "Balance from the centred disc of this fraction of the short side only (0: all)")
        ->check(CLI::Range(0.0, 10.0))
        ->group(group);
    app.add_flag("--vignetting", o.vignetting, "Fit and divide out each frame's radial fall-off")->group(group);
    app.add_option("--noise-mask", o.noise_mask,
                   "Replace the pixels of this mask (e.g. noise-map/hot-rgb.png from 'fstack noise-map') "
                   "by the mean of their neighbours")
        ->check(CLI::ExistingFile)
        ->type_name("FILE")
        ->group(group);
    app.add_option("--ref-idx", o.ref_idx, "Reference frame, counted from 0 [default: the middle one]")
        ->check(CLI::NonNegativeNumber)
        ->group(group);
    app.add_flag("--no-step", o.no_step,
                 "Match every frame against the reference, not its neighbour towards it")
        ->group(group);
    app.add_option("--alignment", o.alignment,
                   "Apply this rig's alignment (from --save-alignment) instead of estimating one: for stacks "
                   "of the same rig, with as many frames of the same size")
        ->type_name("FILE")
        ->group(group);
    app.add_option("--plots", o.plots, "Write the actions' PNG plots (matches, fits, histograms) here")
        ->type_name("DIR")
        ->group(group);
}

void load_alignment(FrameActionOptions& o) {
    if (o.alignment.empty()) return;
    if (o.align == "none")
        throw Error(ErrorKind::Usage, o.alignment, -1, "--alignment applies an alignment: it cannot go with --align none");
    o.reuse = std::make_shared<const RigAlignment>(read_rig_alignment(o.alignment));
}

std::string describe_reused_fit(const FrameActionOptions& o, const StackResult& result) {
    if (!o.reuse || !result.geometry) return {};
    const AlignmentFit fit = alignment_fit(*result.geometry);
    if (fit.frames == 0) return {};
    char buf[160];
    std::snprintf(buf, sizeof buf, "; reused alignment: registration error %.4f -> %.4f (mean of %d frames)", fit.before,
                  fit.after, fit.frames);
    return buf;
}

FramePipeline frame_pipeline(const FrameActionOptions& o) {
    FramePipeline pipeline;
    std::vector<std::unique_ptr<FrameAction>>& actions = pipeline.actions;
    if (!o.noise_mask.empty()) {
        MaskNoiseOptions m;
        m.noise_mask = o.noise_mask;
        actions.push_back(std::make_unique<MaskNoise>(m));
    }
    if (o.vignetting) actions.push_back(std::make_unique<Vignetting>());
    if (o.align != "none") {
        AlignFramesOptions a;
        a.alignment_config.transform = o.align == "homography" ? AlignTransform::Homography : AlignTransform::Rigid;
        a.alignment_config.verify = o.align == "auto";
        const std::string& d = o.detector;
        a.feature_config.detector = d == "orb" ? Detector::Orb : d == "akaze" ? Detector::Akaze
                                  : d == "brisk" ? Detector::Brisk : d == "surf" ? Detector::Surf : Detector::Sift;
        a.feature_config.descriptor = d == "orb" ? Descriptor::Orb : d == "akaze" ? Descriptor::Akaze
                                    : d == "brisk" ? Descriptor::Brisk : Descriptor::Sift;
        a.alignment_config.border_mode = o.border == "constant" ? BorderMode::Constant
                                       : o.border == "replicate" ? BorderMode::Replicate : BorderMode::ReplicateBlur;
        a.plot_config.enabled = !o.plots.empty() && !o.reuse;  // no matches to plot when reused
        a.reuse = o.reuse;
        if (!a.reuse && !o.alignment.empty())
            a.reuse = std::make_shared<const RigAlignment>(read_rig_alignment(o.alignment));
        actions.push_back(std::make_unique<AlignFrames>(a));
    }
    if (o.balance != "none") {
        BalanceFramesOptions b;
        b.channel = o.balance == "auto" ? BalanceChannel::Auto : o.balance == "rgb" ? BalanceChannel::Rgb
                  : o.balance == "hsv" ? BalanceChannel::Hsv : o.balance == "hls" ? BalanceChannel::Hls
                  : BalanceChannel::Lumi;
        b.corr_map = o.balance_map == "gamma" ? CorrectionMap::Gamma
                   : o.balance_map == "match-hist" ? CorrectionMap::MatchHist : CorrectionMap::Linear;
        b.mask_size = o.balance_mask;
        b.plot_histograms = !o.plots.empty();
        actions.push_back(std::make_unique<BalanceFrames>(b));
    }
    pipeline.options.ref_idx = o.ref_idx;
    pipeline.options.step_process = !o.no_step;
    pipeline.options.plot_path = o.plots;
    return pipeline;
}

}  // namespace fstack::cli
