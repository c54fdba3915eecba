// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker's options do what the seed says: radius and smoothing at edges and under noise, scale.
#include <gtest/gtest.h>

#include <vector>

#include <opencv2/imgproc.hpp>

#include "focus_stacker_test_support.hpp"
#include "fstack/focus_stacker.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::focus_stacker;

cv::Mat run_with(const fstack::FocusStackerOptions& o, const std::vector<cv::Mat>& frames) {
    FocusStacker stacker(o);
    return run_in_memory(stacker, frames);
}

// ---------------------------------------------------------------------------------------------
// The options do something, and what the seed says they do.

// The seed: a larger radius "can help with noisy images but may reduce detail"; more
// smoothing "reduces noise but may affect edge detection". The detail side: at the scene's
// depth edges (the occlusion band) a small window and little smoothing follow the edge, large
// ones smear the decision over it. Measured, PSNR in the band at scale 2: radius 2 vs 16
// (smoothing 4): 27.37 vs 26.15 dB; smoothing 1 vs 10 (radius 2): 27.31 vs 26.58 dB.
TEST(FocusStacker, RadiusAndSmoothingChangeTheResultAtEdges) {
    const SyntheticStack& s = stack(false);
    const cv::Mat band = synth::occlusion_band(s.scene);
    const auto band_psnr = [&](const cv::Mat& out) { return synth::psnr(s.scene.ground_truth, out, 0.03, band); };

    const cv::Mat r2 = run_with({2, 4, 2}, s.frames), r16 = run_with({16, 4, 2}, s.frames);
    EXPECT_GT(cv::norm(r2, r16, cv::NORM_L1), 0.0) << "radius had no effect";
    const double p_r2 = band_psnr(r2), p_r16 = band_psnr(r16);
    report("band_psnr_radius2", p_r2);
    report("band_psnr_radius16", p_r16);
    EXPECT_GT(p_r2, p_r16 + 0.5);

    const cv::Mat s1 = run_with({2, 1, 2}, s.frames), s10 = run_with({2, 10, 2}, s.frames);
    EXPECT_GT(cv::norm(s1, s10, cv::NORM_L1), 0.0) << "smoothing had no effect";
    const double p_s1 = band_psnr(s1), p_s10 = band_psnr(s10);
    report("band_psnr_smoothing1", p_s1);
    report("band_psnr_smoothing10", p_s10);
    EXPECT_GT(p_s1, p_s10 + 0.3);
}

// The noise side: a faint texture under heavy sensor noise, sharp in frame 0 on the left half
// and in frame 1 on the right half. A 3x3 window sees mostly noise and picks frames at random;
// a larger window, or more smoothing, averages the noise out and finds the sharp half.
// Measured, share of pixels given the right frame: radius 1: 0.59, radius 8: 0.82; radius 1
// with smoothing 6: 0.84.
struct NoisyPair {
    std::vector<cv::Mat> frames;
    cv::Mat truth;  // the sharp texture, noise-free
    cv::Mat ideal;  // CV_16U: 0 on the left, 1 on the right
};

NoisyPair noisy_pair() {
    const cv::Size size(320, 240);
    cv::RNG rng(7);
    cv::Mat texture(size, CV_32F);
    rng.fill(texture, cv::RNG::NORMAL, 0.0, 1.0);
    cv::GaussianBlur(texture, texture, cv::Size(), 0.8);
    texture = 0.5 + 0.04 * texture;  // faint: about 4% contrast
    cv::Mat blurred;
    cv::GaussianBlur(texture, blurred, cv::Size(), 2.5);
    const cv::Rect left(0, 0, size.width / 2, size.height), right(size.width / 2, 0, size.width / 2, size.height);
    NoisyPair p;
    for (int i = 0; i < 2; ++i) {
        cv::Mat f = blurred.clone();
        texture((i == 0 ? left : right)).copyTo(f((i == 0 ? left : right)));
        cv::Mat noise(size, CV_32F);
        rng.fill(noise, cv::RNG::NORMAL, 0.0, 6.0 / 255.0);
        f += noise;
        cv::Mat f8;
        f.convertTo(f8, CV_8U, 255.0);
        p.frames.push_back(f8);
    }
    texture.convertTo(p.truth, CV_8U, 255.0);
    p.ideal = cv::Mat::zeros(size, CV_16U);
    p.ideal(right).setTo(1);
    return p;
}

TEST(FocusStacker, LargerRadiusAndSmoothingResistNoise) {
    const NoisyPair p = noisy_pair();
    const auto exact = [&](const fstack::FocusStackerOptions& o) {
        FocusStacker stacker(o);
        run_in_memory(stacker, p.frames);
        return index_agreement(stacker.depth_map(), p.ideal, 0);
    };
    const double r1 = exact({1, 1, 1}), r8 = exact({8, 1, 1});
    const double s1 = r1, s6 = exact({1, 6, 1});
    report("noisy_correct_radius1", r1);
    report("noisy_correct_radius8", r8);
    report("noisy_correct_smoothing6", s6);
    EXPECT_GT(r8, r1 + 0.05);
    EXPECT_GT(s6, s1 + 0.05);
}

TEST(FocusStacker, ScaleFactorChangesTheResultNotItsSize) {
    const SyntheticStack& s = stack(false);
    const cv::Mat one = run_with({8, 4, 1}, s.frames), three = run_with({8, 4, 3}, s.frames);
    ASSERT_EQ(three.size(), one.size());
    EXPECT_GT(cv::norm(one, three, cv::NORM_L1), 0.0);
}

}  // namespace

namespace {

// The focus measure as one sweep over the whole frame (FocusStacker's definition, written out):
// what the banded measure must equal.
cv::Mat whole_frame_measure(const cv::Mat& frame, const fstack::FocusStackerOptions& o) {
    cv::Mat f, grey, lap, mean, var;
    frame.convertTo(f, CV_32F, 1.0 / 255);
    cv::transform(f, grey, cv::Matx13f(0.114f, 0.587f, 0.299f));  // BGR luma
    if (o.scale_factor > 1) cv::resize(grey, grey, cv::Size(), o.scale_factor, o.scale_factor, cv::INTER_CUBIC);
    cv::Laplacian(grey, lap, CV_32F, 3, 1, 0, cv::BORDER_REFLECT101);
    const cv::Size box(2 * o.radius + 1, 2 * o.radius + 1);
    cv::boxFilter(lap, mean, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    cv::boxFilter(lap.mul(lap), var, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    var = cv::max(var - mean.mul(mean), 0.0);
    cv::GaussianBlur(var, var, cv::Size(), o.smoothing, o.smoothing, cv::BORDER_REFLECT101);
    if (o.scale_factor > 1) cv::resize(var, var, frame.size(), 0, 0, cv::INTER_AREA);
    return var;
}

}  // namespace

// The measure is computed in row bands (on OpenCV's threads), each from the rows its filters
// reach: it equals the measure of the whole frame bit for bit, at the bands' seams and at the
// frame's edges. (Scale 3 is measured whole: there the bands would differ by 1e-3 of the peak,
// OpenCV's cubic resize rounding (y + 0.5) / 3 differently for a band's rows.)
// The widest reach (radius 20, smoothing 10) and frames 1100 rows high cut into several bands.
TEST(FocusStacker, TheBandedMeasureIsTheWholeFramesMeasure) {
    cv::Mat frame(1100, 180, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(frame, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(frame, frame, cv::Size(), 1.2);
    for (const fstack::FocusStackerOptions o :
         {fstack::FocusStackerOptions{8, 4, 2}, fstack::FocusStackerOptions{20, 10, 2},
          fstack::FocusStackerOptions{3, 10, 1}, fstack::FocusStackerOptions{1, 1, 4},
          fstack::FocusStackerOptions{1, 1, 3}, fstack::FocusStackerOptions{20, 10, 3}}) {
        FocusStacker stacker(o);
        const cv::Mat banded = stacker.focus_measure(frame);
        const cv::Mat whole = whole_frame_measure(frame, o);
        ASSERT_EQ(banded.size(), whole.size());
        double peak = 0;
        cv::minMaxLoc(whole, nullptr, &peak);
        cv::Mat diff;
        cv::absdiff(banded, whole, diff);
        double worst = 0;
        cv::Point at;
        cv::minMaxLoc(diff, nullptr, &worst, nullptr, &at);
        EXPECT_EQ(worst, 0.0) << "radius " << o.radius << " smoothing " << o.smoothing << " scale "
                                      << o.scale_factor << ": at row " << at.y << " col " << at.x << ", " << worst << " of a peak " << peak << ", whole " << whole.at<float>(at) << ", banded " << banded.at<float>(at);
    }
}
