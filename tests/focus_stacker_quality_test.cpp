// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker against the known-answer stack and synth.py's: scale 1 and 2, 16-bit, grey/BGRA.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "focus_stacker_test_support.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/image_io.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::focus_stacker;

// Measured on the 640x480, 8-frame, seed-1 scene of focus_stacker_test_support.hpp:
constexpr double SCALE1_FLOOR = 35.9;   // FocusStacker(8, 4, 1): 36.89 dB
constexpr double SCALE2_FLOOR = 36.2;   // FocusStacker(8, 4, 2), the defaults: 37.22 dB
constexpr double SIXTEEN_FLOOR = 36.2;  // 16-bit, defaults: 37.26 dB
constexpr double AVG_MARGIN = 8.0;      // plain average of the frames: 25.02 dB, 11.9 below
constexpr double DEPTH_FLOOR = 0.96;    // depth within +-1 frame of the ideal: 0.977 (scale 1), 0.981
// The bar for synth.py --preset small (measured 35.68 dB at scale 1, 35.94 at scale 2).
constexpr double SYNTH_PY_FLOOR = 32.0;

// ---------------------------------------------------------------------------------------------
// Quality

TEST(FocusStacker, ScaleOneAndTwoAgainstGroundTruth) {
    const SyntheticStack& s = stack(false);
    const double p_avg = synth::psnr(s.scene.ground_truth, plain_average(s.frames));
    report("psnr_average", p_avg);
    for (int scale : {1, 2}) {
        SCOPED_TRACE("scale_factor " + std::to_string(scale));
        FocusStacker stacker(8, 4, scale);
        const cv::Mat out = run_in_memory(stacker, s.frames);
        ASSERT_EQ(out.type(), CV_8UC3);
        ASSERT_EQ(out.size(), s.scene.ground_truth.size());
        const double p = synth::psnr(s.scene.ground_truth, out);
        const double agree = index_agreement(stacker.depth_map(), synth::ideal_index_map(s.scene));
        report("psnr_scale" + std::to_string(scale), p);
        report("ssim_scale" + std::to_string(scale), synth::ssim(s.scene.ground_truth, out));
        report("depth_within_1_scale" + std::to_string(scale), agree);
        EXPECT_GT(p, scale == 1 ? SCALE1_FLOOR : SCALE2_FLOOR);
        EXPECT_GT(p, p_avg + AVG_MARGIN);
        EXPECT_GT(agree, DEPTH_FLOOR);
    }
}

// The acceptance check on the project's reference generator. It needs that generator's
// output, so it runs only where FSTACK_SYNTH_SMALL names a folder written by
//   synth.py --preset small --out DIR
// and writes the results to FSTACK_SYNTH_OUT (if set) for tools/quality.py.
TEST(FocusStacker, SynthPySmallPreset) {
    const char* dir = std::getenv("FSTACK_SYNTH_SMALL");
    if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "set FSTACK_SYNTH_SMALL to a synth.py --preset small folder";
    const fs::path root(dir);
    const auto frames = fstack::list_frames(root / "frames");
    ASSERT_EQ(frames.size(), 8u);
    const cv::Mat gt = fstack::read_image(root / "ground_truth.png");
    for (int scale : {1, 2}) {
        FocusStacker stacker(8, 4, scale);
        const cv::Mat out = stacker.process_stack(frames);
        const double p = synth::psnr(gt, out);
        report("synth_py_small_psnr_scale" + std::to_string(scale), p);
        EXPECT_GE(p, SYNTH_PY_FLOOR) << "scale_factor " << scale;
        if (const char* out_dir = std::getenv("FSTACK_SYNTH_OUT")) {
            fs::create_directories(out_dir);
            FocusStacker::save_image(out, fs::path(out_dir) / ("focusmeasure_scale" + std::to_string(scale) + ".png"));
        }
    }
}

TEST(FocusStacker, SixteenBitInSixteenBitOut) {
    const SyntheticStack& s = stack(true);
    ASSERT_EQ(s.frames[0].type(), CV_16UC3);
    FocusStacker stacker;
    const cv::Mat out = run_in_memory(stacker, s.frames);
    ASSERT_EQ(out.type(), CV_16UC3);
    const double p = synth::psnr(s.scene.ground_truth, out);
    report("psnr_16bit", p);
    EXPECT_GT(p, SIXTEEN_FLOOR);
    // A result that went through 8 bits somewhere would be multiples of 257.
    const cv::Mat flat = out.reshape(1);
    const int off_grid = fstack::test::count_off_257_grid(flat);
    EXPECT_GT(off_grid, static_cast<int>(flat.total() / 2)) << "the result looks like 8-bit data x257";
}

TEST(FocusStacker, GreyAndBgraFrames) {
    const SyntheticStack& s = stack(false);
    std::vector<cv::Mat> grey, bgra;
    for (const cv::Mat& f : s.frames) {
        cv::Mat g, a;
        cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
        cv::cvtColor(f, a, cv::COLOR_BGR2BGRA);
        grey.push_back(g);
        bgra.push_back(a);
    }
    FocusStacker stacker;
    const cv::Mat g = run_in_memory(stacker, grey);
    ASSERT_EQ(g.type(), CV_8UC1);
    EXPECT_GT(synth::psnr(s.scene.ground_truth, g), SCALE2_FLOOR - 1.0);
    const cv::Mat a = run_in_memory(stacker, bgra);
    ASSERT_EQ(a.type(), CV_8UC4);
    cv::Mat alpha;
    cv::extractChannel(a, alpha, 3);
    double lo = 0;
    cv::minMaxLoc(alpha, &lo);
    EXPECT_GE(lo, 254);
}

}  // namespace
