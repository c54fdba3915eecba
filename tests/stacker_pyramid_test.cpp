// SPDX-License-Identifier: GPL-3.0-or-later
// PyramidStack on the known-answer stack: 8/16-bit, grey/BGRA, depth map, cross-scale, consistency.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/pyramid_stack.hpp"
#include "stacker_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::stacker;

// Measured on the 480x360, 8-frame, seed-11 scene of stacker_test_support.hpp (GCC 12, OpenCV 4.6, x86-64):
constexpr double PYR8_FLOOR = 36.8;          // PyramidStack 8-bit: 37.85 dB (seed's rules: 35.7)
constexpr double PYR16_FLOOR = 36.8;         // PyramidStack 16-bit: 37.89 dB
constexpr double PYR_GREY_FLOOR = 39.8;      // PyramidStack on grey frames: 40.88 dB
constexpr double AVG_MARGIN = 8.0;           // plain average of the frames: 24.97 dB (10.8 below)
constexpr double FRAME_MARGIN = 6.0;         // best single frame: 27.36 dB (8.4 below)
constexpr double PYR_DEPTH_FLOOR = 0.97;     // depth map within +-1 frame: 98.8% (exact: 93.5%)

// ---------------------------------------------------------------------------------------------
// PyramidStack

TEST(PyramidStack, EightBitBeatsAverageAndEveryFrame) {
    const SyntheticStack& s = stack(false);
    fstack::PyramidStack stacker;
    const cv::Mat out = run_in_memory(stacker, s.frames);
    ASSERT_EQ(out.type(), CV_8UC3);
    ASSERT_EQ(out.size(), s.scene.ground_truth.size());

    const double p = synth::psnr(s.scene.ground_truth, out);
    const double p_avg = synth::psnr(s.scene.ground_truth, plain_average(s.frames));
    double p_best_frame = 0;
    for (const cv::Mat& f : s.frames) p_best_frame = std::max(p_best_frame, synth::psnr(s.scene.ground_truth, f));
    report("psnr_pyramid8", p);
    report("psnr_average", p_avg);
    report("psnr_best_single_frame", p_best_frame);
    report("ssim_pyramid8", synth::ssim(s.scene.ground_truth, out));
    EXPECT_GT(p, PYR8_FLOOR);
    EXPECT_GT(p, p_avg + AVG_MARGIN);
    EXPECT_GT(p, p_best_frame + FRAME_MARGIN);
}

TEST(PyramidStack, SixteenBitInSixteenBitOut) {
    const SyntheticStack& s = stack(true);
    ASSERT_EQ(s.frames[0].type(), CV_16UC3);
    fstack::PyramidStack stacker;
    const cv::Mat out = run_in_memory(stacker, s.frames);
    ASSERT_EQ(out.type(), CV_16UC3);
    const double p = synth::psnr(s.scene.ground_truth, out);
    report("psnr_pyramid16", p);
    EXPECT_GT(p, PYR16_FLOOR);
    // A result that went through 8 bits somewhere would be multiples of 257 (x257 scaling).
    const cv::Mat flat = out.reshape(1);
    const int off_grid = fstack::test::count_off_257_grid(flat);
    EXPECT_GT(off_grid, static_cast<int>(flat.total() / 2)) << "the result looks like 8-bit data x257";
}

TEST(PyramidStack, DepthMapAgreesWithIdealIndexMap) {
    const SyntheticStack& s = stack(false);
    fstack::PyramidStack stacker;
    run_in_memory(stacker, s.frames);
    const cv::Mat ideal = synth::ideal_index_map(s.scene);
    const double share = index_agreement(stacker.depth_map(), ideal);
    report("pyramid_depth_within_1", share);
    report("pyramid_depth_exact", index_agreement(stacker.depth_map(), ideal, 0));
    EXPECT_GT(share, PYR_DEPTH_FLOOR);
    double lo = 0, hi = 0;
    cv::minMaxLoc(stacker.depth_map(), &lo, &hi);
    EXPECT_GE(lo, 0);
    EXPECT_LE(hi, 7);
}

// The cross-scale rules (band choices follow the finer levels' energy, the base is chosen rather
// than averaged) against the seed's rules, both with the consistency pass. On this scene:
// 37.85 vs 35.71 dB over the image, 47.53 vs 38.79 dB away from occlusions, 28.68 vs 28.62 dB
// in the occlusion band (where no frame shows the truth, see synthetic.hpp).
TEST(PyramidStack, CrossScaleAgainstSeedRule) {
    const SyntheticStack& s = stack(false);
    fstack::PyramidStackOptions cross, seed;
    cross.cross_scale = true;
    seed.cross_scale = false;
    fstack::PyramidStack a(cross), b(seed);
    const cv::Mat out_cross = run_in_memory(a, s.frames), out_seed = run_in_memory(b, s.frames);
    const cv::Mat band = synth::occlusion_band(s.scene);
    const cv::Mat outside = band == 0;
    const double p_cross = synth::psnr(s.scene.ground_truth, out_cross);
    const double p_seed = synth::psnr(s.scene.ground_truth, out_seed);
    const double o_cross = synth::psnr(s.scene.ground_truth, out_cross, 0.03, outside);
    const double o_seed = synth::psnr(s.scene.ground_truth, out_seed, 0.03, outside);
    const double b_cross = synth::psnr(s.scene.ground_truth, out_cross, 0.03, band);
    const double b_seed = synth::psnr(s.scene.ground_truth, out_seed, 0.03, band);
    report("psnr_cross_scale_true", p_cross);
    report("psnr_cross_scale_false", p_seed);
    report("psnr_band_cross_scale_true", b_cross);
    report("psnr_band_cross_scale_false", b_seed);
    report("psnr_outside_band_cross_scale_true", o_cross);
    report("psnr_outside_band_cross_scale_false", o_seed);
    EXPECT_GE(p_cross, p_seed + 1.0);
    EXPECT_GE(o_cross, o_seed + 4.0);
    EXPECT_GE(b_cross, b_seed - 0.1);
}

// Share of pixels more than 4/255 outside the [min, max] envelope of the frames (widened by a
// 5x5 min/max filter): overshoot that no frame contains, i.e. pyramid ringing and halos. The
// same measure as the project's quality.py halo share.
double halo_share(const cv::Mat& result, const std::vector<cv::Mat>& frames) {
    cv::Mat lo = frames[0].clone(), hi = frames[0].clone();
    for (const cv::Mat& f : frames) {
        cv::min(lo, f, lo);
        cv::max(hi, f, hi);
    }
    const cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5));
    cv::erode(lo, lo, k);
    cv::dilate(hi, hi, k);
    cv::Mat r, l, h;
    result.convertTo(r, CV_32F);
    lo.convertTo(l, CV_32F);
    hi.convertTo(h, CV_32F);
    const cv::Mat outside = (r < l - 4.0) | (r > h + 4.0);
    std::vector<cv::Mat> ch;
    cv::split(outside, ch);
    cv::Mat any = ch[0];
    for (size_t c = 1; c < ch.size(); ++c) any |= ch[c];
    return static_cast<double>(cv::countNonZero(any)) / static_cast<double>(any.total());
}

// The consistency pass (median-cleaned choices, second pass over the frames) against one pass,
// on frames that went through JPEG as camera frames do: block artefacts and noise make isolated
// wrong choices, which the pass removes: less overshoot (0.25% -> 0.20% here) at an equal PSNR
// (30.77 vs 30.80 dB here). On synth.py's medium preset it gains 1.2 dB (38.40 -> 39.64) and
// halves the overshoot share (quality.py: 0.019 -> 0.010).
TEST(PyramidStack, ConsistencyPassOnJpegFrames) {
    const SyntheticStack& s = stack(false);
    std::vector<cv::Mat> jpeg;
    for (const cv::Mat& f : s.frames) {
        std::vector<unsigned char> bytes;
        cv::imencode(".jpg", f, bytes, {cv::IMWRITE_JPEG_QUALITY, 85});
        jpeg.push_back(cv::imdecode(bytes, cv::IMREAD_UNCHANGED));
    }
    fstack::PyramidStackOptions two, one;
    one.consistency = false;
    fstack::PyramidStack a(two), b(one);
    EXPECT_EQ(a.passes(), 2);
    EXPECT_EQ(b.passes(), 1);
    const cv::Mat out_two = run_in_memory(a, jpeg), out_one = run_in_memory(b, jpeg);
    const double p_two = synth::psnr(s.scene.ground_truth, out_two);
    const double p_one = synth::psnr(s.scene.ground_truth, out_one);
    const double h_two = halo_share(out_two, jpeg), h_one = halo_share(out_one, jpeg);
    report("psnr_consistency_true", p_two);
    report("psnr_consistency_false", p_one);
    report("halo_share_consistency_true", h_two);
    report("halo_share_consistency_false", h_one);
    EXPECT_LT(h_two, h_one);
    EXPECT_GT(p_two, p_one - 0.1);
}

TEST(PyramidStack, GreyAndBgraFrames) {
    // The stackers accept 1 and 4 channels; the result keeps the frames' type and the alpha of
    // identical opaque frames stays opaque.
    const SyntheticStack& s = stack(false);
    std::vector<cv::Mat> grey, bgra;
    for (const cv::Mat& f : s.frames) {
        cv::Mat g, a;
        cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
        cv::cvtColor(f, a, cv::COLOR_BGR2BGRA);
        grey.push_back(g);
        bgra.push_back(a);
    }
    fstack::PyramidStack stacker;
    const cv::Mat g = run_in_memory(stacker, grey);
    ASSERT_EQ(g.type(), CV_8UC1);
    cv::Mat gt_grey;
    cv::cvtColor(s.scene.ground_truth, gt_grey, cv::COLOR_BGR2GRAY);
    const double p_grey = synth::psnr(gt_grey, g);
    report("psnr_pyramid_grey", p_grey);
    EXPECT_GT(p_grey, PYR_GREY_FLOOR);
    const cv::Mat a = run_in_memory(stacker, bgra);
    ASSERT_EQ(a.type(), CV_8UC4);
    cv::Mat alpha;
    cv::extractChannel(a, alpha, 3);
    double lo = 0;
    cv::minMaxLoc(alpha, &lo);
    EXPECT_GE(lo, 254);
}

}  // namespace
