// SPDX-License-Identifier: GPL-3.0-or-later
// BalanceFrames: frames with a +-10% gain brought to within 1% of the reference's mean in every
// channel mode and correction map, on 8- and 16-bit frames; the mask and the intensity interval.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/actions.hpp"
#include "fstack/balance_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic/synthetic.hpp"

namespace {

using namespace fstack;
namespace synth = fstack::synth;

// A textured reference kept away from black and white, so that a 10% gain clips nothing.
cv::Mat reference(bool sixteen_bit) {
    synth::SceneOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = 1;
    o.sixteen_bit = sixteen_bit;
    cv::Mat f;
    synth::make_scene(o).ground_truth.convertTo(f, CV_32F);
    const double max = sixteen_bit ? 65535 : 255;
    f = f * 0.6 + 0.15 * max;
    cv::Mat out;
    f.convertTo(out, sixteen_bit ? CV_16U : CV_8U);
    return out;
}

cv::Mat gained(const cv::Mat& f, cv::Scalar gain) {
    cv::Mat g;
    f.convertTo(g, CV_32F);
    cv::multiply(g, gain, g);
    cv::Mat out;
    g.convertTo(out, f.depth());
    return out;
}

// Mean of the quantity each mode balances: luma, each of B, G, R, or S and V / L and S.
std::vector<double> balanced_means(const cv::Mat& frame, BalanceChannel mode) {
    cv::Mat f;
    frame.convertTo(f, CV_32F, 1.0 / (frame.depth() == CV_16U ? 65535.0 : 255.0));
    std::vector<double> out;
    if (mode == BalanceChannel::Lumi) {
        cv::Mat g;
        cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
        return {cv::mean(g)[0]};
    }
    if (mode == BalanceChannel::Rgb) {
        const cv::Scalar m = cv::mean(f);
        return {m[0], m[1], m[2]};
    }
    cv::Mat s;
    cv::cvtColor(f, s, mode == BalanceChannel::Hsv ? cv::COLOR_BGR2HSV : cv::COLOR_BGR2HLS);
    const cv::Scalar m = cv::mean(s);
    return {m[1], m[2]};
}

std::vector<cv::Mat> balance(const std::vector<cv::Mat>& frames, BalanceFramesOptions o) {
    MemoryFrameSource source(frames);
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::make_unique<BalanceFrames>(o));
    ProcessedFrameSource processed(source, std::move(actions));
    std::vector<cv::Mat> out;
    for (int i = 0; i < processed.size(); ++i) out.push_back(processed.frame(i));
    return out;
}

void expect_within_one_percent(BalanceChannel mode, CorrectionMap map, bool sixteen_bit, cv::Scalar low,
                               cv::Scalar high) {
    const cv::Mat ref = reference(sixteen_bit);
    BalanceFramesOptions o;
    o.channel = mode;
    o.corr_map = map;
    o.img_scale = map == CorrectionMap::MatchHist ? 1 : 8;  // as the seed advises for MATCH_HIST
    const auto out = balance({gained(ref, low), ref, gained(ref, high)}, o);
    const auto want = balanced_means(ref, mode);
    for (int i : {0, 2}) {
        const auto got = balanced_means(out[static_cast<size_t>(i)], mode);
        for (size_t c = 0; c < want.size(); ++c)
            EXPECT_NEAR(got[c], want[c], 0.01 * want[c]) << "frame " << i << " channel " << c;
        EXPECT_EQ(out[static_cast<size_t>(i)].depth(), ref.depth());
    }
    EXPECT_EQ(cv::norm(out[1], ref, cv::NORM_INF), 0.0);  // the reference is untouched
}

struct Case { BalanceChannel mode; CorrectionMap map; const char* name; };
const Case kCases[] = {
    {BalanceChannel::Lumi, CorrectionMap::Linear, "LUMI LINEAR"},
    {BalanceChannel::Rgb, CorrectionMap::Linear, "RGB LINEAR"},
    {BalanceChannel::Hsv, CorrectionMap::Linear, "HSV LINEAR"},
    {BalanceChannel::Hls, CorrectionMap::Linear, "HLS LINEAR"},
    {BalanceChannel::Lumi, CorrectionMap::Gamma, "LUMI GAMMA"},
    {BalanceChannel::Rgb, CorrectionMap::Gamma, "RGB GAMMA"},
    {BalanceChannel::Lumi, CorrectionMap::MatchHist, "LUMI MATCH_HIST"},
    {BalanceChannel::Rgb, CorrectionMap::MatchHist, "RGB MATCH_HIST"},
};

TEST(BalanceFrames, TenPercentGainsWithinOnePercent8Bit) {
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.name);
        expect_within_one_percent(c.mode, c.map, false, cv::Scalar::all(0.9), cv::Scalar::all(1.1));
    }
}

TEST(BalanceFrames, TenPercentGainsWithinOnePercent16Bit) {
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.name);
        expect_within_one_percent(c.mode, c.map, true, cv::Scalar::all(0.9), cv::Scalar::all(1.1));
    }
}

TEST(BalanceFrames, RgbCorrectsAColourCast) {
    expect_within_one_percent(BalanceChannel::Rgb, CorrectionMap::Linear, false, cv::Scalar(1.1, 1.0, 0.9),
                              cv::Scalar(0.9, 1.05, 1.1));
}

TEST(BalanceFrames, MaskAndIntensityIntervalRestrictTheStatistics) {
    const cv::Mat ref = reference(false);
    for (int variant = 0; variant < 2; ++variant) {
        BalanceFramesOptions o;
        if (variant == 0) o.mask_size = 0.5;
        else o.intensity_interval = {60, 200};
        const auto out = balance({gained(ref, cv::Scalar::all(1.1)), ref}, o);
        EXPECT_NEAR(balanced_means(out[0], BalanceChannel::Lumi)[0], balanced_means(ref, BalanceChannel::Lumi)[0], 0.01);
    }
}

TEST(BalanceFrames, BadOptionsAreUsageErrors) {
    BalanceFramesOptions o;
    o.img_scale = 0;
    EXPECT_THROW(BalanceFrames{o}, Error);
    o = {};
    o.intensity_interval = {100, 50};
    EXPECT_THROW(BalanceFrames{o}, Error);
    o = {};
    o.mask_size = -1;
    EXPECT_THROW(BalanceFrames{o}, Error);
}

}  // namespace
