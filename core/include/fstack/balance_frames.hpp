// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"

namespace fstack {

// LUMI: one correction from the luminosity, applied to every colour channel; RGB: one per
// channel; HSV / HLS: saturation and value (lightness) corrected in that colour space.
// AUTO (fstack's, the CLI and GIMP default): a gain per frame (per channel where the channels
// disagree) fitted on the area the frame shares with its aligned neighbour, chained to the
// reference, applied only above half a percent.
enum class BalanceChannel { Lumi, Rgb, Hsv, Hls, Auto };
// LINEAR: a gain matching the mean; GAMMA: a gamma matching the mean (no clipping of the
// highlights); MATCH_HIST: the frame's histogram mapped onto the reference's.
enum class CorrectionMap { Linear, Gamma, MatchHist };

struct IntensityInterval {
    int min = 0;
    int max = -1;  // -1: the largest code value (255 or 65535)
};

struct BalanceFramesOptions {
    BalanceChannel channel = BalanceChannel::Lumi;
    // > 0: only pixels inside the centred circle of diameter mask_size * min(width, height).
    double mask_size = 0;
    IntensityInterval intensity_interval;  // code values; not used by MATCH_HIST
    int img_scale = 8;                     // statistics from every n-th pixel in x and y
    CorrectionMap corr_map = CorrectionMap::Linear;
    bool plot_histograms = false;          // a PNG of the histograms per frame
};

// The job-file keys of BalanceFrames; intensity_interval's are in that section, and also read
// as the seed example's i_min / i_max.
const ParamTable<BalanceFramesOptions>& balance_frames_params();

// The constructor's validation: balance_frames_params().check(), and intensity_interval's max
// above its min (or -1). Throws Error(Usage).
void check_balance_options(const BalanceFramesOptions& options);

// The seed's BalanceFrames: brings every frame's luminosity (or colour) statistics to those of
// the reference frame, which is left unchanged.
class BalanceFrames : public FrameAction {
public:
    explicit BalanceFrames(BalanceFramesOptions options = {});
    std::string name() const override { return "BalanceFrames"; }
    cv::Mat begin(const cv::Mat& reference, const FrameActionContext& context) override;
    cv::Mat process(const cv::Mat& frame, int index, int neighbour_index) override;
    cv::Mat replay(const cv::Mat& frame, int index) override;
    std::unique_ptr<FrameAction> clone() const override;
    // AUTO replays on 8- / 16-bit frames as they are and analyses reduced copies.
    bool replays_native() const override { return options_.channel == BalanceChannel::Auto; }
    bool analyses_reduced() const override { return options_.channel == BalanceChannel::Auto; }

    // Per balanced channel: the gain (LINEAR), gamma (GAMMA), or a sampled curve (MATCH_HIST).
    struct Correction {
        std::vector<float> value;             // one per balanced channel (LINEAR, GAMMA)
        std::vector<std::vector<float>> lut;  // MATCH_HIST: kLutSize + 1 points on [0, max]
        bool known = false;
        // AUTO: value holds the gain found per colour channel (one for a grey frame), chained to
        // the reference; applied[c]: that channel's gain is applied (it exceeds half a percent).
        std::vector<bool> applied;
    };
    const Correction& correction(int index) const;
    // LINEAR with LUMI (one gain) or RGB (B, G, R), and AUTO (each channel's gain where applied,
    // else 1); empty for GAMMA, MATCH_HIST and the HSV / HLS modes, and where nothing is applied.
    std::vector<float> applied_gain(int index) const override;

private:
    struct Samples {
        std::vector<std::vector<float>> channel;  // sampled values of each balanced channel
    };
    cv::Mat to_space(const cv::Mat& frame) const;    // BGR/grey -> the balanced colour space
    cv::Mat from_space(const cv::Mat& frame) const;
    std::vector<int> balanced_channels(int channels) const;
    Samples sample(const cv::Mat& space_frame) const;
    Correction fit(const Samples& s) const;
    cv::Mat apply(const cv::Mat& frame, const Correction& c) const;
    void plot(int index, const cv::Mat& before, const cv::Mat& after) const;
    // AUTO (balance_auto.cpp): per-cell statistics of the frames the next ones are fitted against.
    struct AutoState;
    cv::Mat auto_begin(const cv::Mat& reference);
    cv::Mat auto_process(const cv::Mat& frame, int index, int neighbour_index);
    cv::Mat auto_apply(const cv::Mat& frame, const Correction& c) const;

    BalanceFramesOptions options_;
    FrameActionContext context_;
    cv::Mat mask_;
    Samples reference_;
    std::vector<float> reference_mean_;
    std::vector<Correction> corrections_;
    std::shared_ptr<AutoState> auto_;  // AUTO only; not shared between clones
};

}  // namespace fstack
