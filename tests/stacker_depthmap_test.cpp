// SPDX-License-Identifier: GPL-3.0-or-later
// DepthMapStack on the known-answer stack: every map type and energy, its depth map, 16-bit;
// the second pass's tiled blend of DepthMapStack and FocusStacker against whole images.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/kernels/stackers/depthmap/select.hpp"
#include "stacker_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::stacker;

// Measured on the 480x360, 8-frame, seed-11 scene of stacker_test_support.hpp (GCC 12, OpenCV 4.6, x86-64):
constexpr double DM_MAX_LAP_FLOOR = 35.4;    // DepthMapStack MAP_MAX/LAPLACIAN: 36.47 dB (16-bit: 36.50)
constexpr double DM_MAX_SOBEL_FLOOR = 35.1;  // MAP_MAX/SOBEL: 36.16 dB
constexpr double DM_AVG_LAP_FLOOR = 28.5;    // MAP_AVERAGE/LAPLACIAN: 29.50 dB
constexpr double DM_AVG_SOBEL_FLOOR = 26.2;  // MAP_AVERAGE/SOBEL: 27.18 dB
constexpr double DM_DEPTH_FLOOR = 0.95;      // MAP_MAX depth within +-1 frame: 98.7% (Sobel 96.6%)

// ---------------------------------------------------------------------------------------------
// DepthMapStack

struct DepthCase {
    fstack::MapType map;
    fstack::EnergyType energy;
    double floor;
    const char* name;
};

// Readable test names in ctest instead of the struct's bytes.
void PrintTo(const DepthCase& c, std::ostream* os) { *os << c.name; }

class DepthMapStackQuality : public ::testing::TestWithParam<DepthCase> {};

TEST_P(DepthMapStackQuality, PsnrFloorAndPasses) {
    const DepthCase c = GetParam();
    const SyntheticStack& s = stack(false);
    fstack::DepthMapStackOptions o;
    o.map_type = c.map;
    o.energy = c.energy;
    fstack::DepthMapStack stacker(o);
    EXPECT_EQ(stacker.passes(), c.map == fstack::MapType::Max ? 2 : 1);
    const cv::Mat out = run_in_memory(stacker, s.frames);
    ASSERT_EQ(out.type(), CV_8UC3);
    const double p = synth::psnr(s.scene.ground_truth, out);
    report(std::string("psnr_depthmap_") + c.name, p);
    EXPECT_GT(p, c.floor);
    EXPECT_GT(p, synth::psnr(s.scene.ground_truth, plain_average(s.frames)) + 1.0);
    if (c.map == fstack::MapType::Max) {
        const double share = index_agreement(stacker.depth_map(), synth::ideal_index_map(s.scene));
        report(std::string("depthmap_within_1_") + c.name, share);
        EXPECT_GT(share, DM_DEPTH_FLOOR);
    }
}

INSTANTIATE_TEST_SUITE_P(
    MapsAndEnergies, DepthMapStackQuality,
    ::testing::Values(DepthCase{fstack::MapType::Max, fstack::EnergyType::Laplacian, DM_MAX_LAP_FLOOR, "max_laplacian"},
                      DepthCase{fstack::MapType::Max, fstack::EnergyType::Sobel, DM_MAX_SOBEL_FLOOR, "max_sobel"},
                      DepthCase{fstack::MapType::Average, fstack::EnergyType::Laplacian, DM_AVG_LAP_FLOOR, "average_laplacian"},
                      DepthCase{fstack::MapType::Average, fstack::EnergyType::Sobel, DM_AVG_SOBEL_FLOOR, "average_sobel"}),
    [](const ::testing::TestParamInfo<DepthCase>& info) { return std::string(info.param.name); });

TEST(DepthMapStack, SixteenBit) {
    const SyntheticStack& s = stack(true);
    fstack::DepthMapStack stacker;
    const cv::Mat out = run_in_memory(stacker, s.frames);
    ASSERT_EQ(out.type(), CV_16UC3);
    const double p = synth::psnr(s.scene.ground_truth, out);
    report("psnr_depthmap16_max_laplacian", p);
    EXPECT_GT(p, DM_MAX_LAP_FLOOR);
}

// The second pass's blend computed on whole images: every frame's mask of the final depth map,
// smoothed by `smooth`, weighs the frames; the sum times the inverse weight, as the stackers do.
template <class Smooth>
cv::Mat whole_image_blend(const std::vector<cv::Mat>& frames, const cv::Mat& depth, Smooth smooth) {
    cv::Mat acc = cv::Mat::zeros(depth.size(), CV_32FC3), weights = cv::Mat::zeros(depth.size(), CV_32F);
    for (int k = 0; k < static_cast<int>(frames.size()); ++k) {
        cv::Mat w;
        cv::Mat(depth == k).convertTo(w, CV_32F, 1.0 / 255.0);
        smooth(w);
        cv::Mat f, w3;
        frames[size_t(k)].convertTo(f, CV_32F, 1.0 / 255.0);
        cv::merge(std::vector<cv::Mat>(3, w), w3);
        acc += f.mul(w3);
        weights += w;
    }
    EXPECT_EQ(cv::countNonZero(weights <= 0), 0);
    cv::Mat inverse = 1.0f / weights, i3, expected;
    cv::merge(std::vector<cv::Mat>(3, inverse), i3);
    expected = acc.mul(i3);
    expected.convertTo(expected, CV_8UC3, 255.0);
    return expected;
}

// Largest difference in levels, and how many samples differ.
std::pair<double, int> difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    double worst = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
    return {worst, cv::countNonZero(diff.reshape(1))};
}

TEST(DepthMapStack, TiledSecondPassIsTheWholeImagesBlend) {
    // Pass 2 smooths each frame's one-hot weight only on the tiles it reaches (128 px, or 4x the
    // reach: core/src/stackers/one_hot_blend.cpp). Against whole_image_blend: 480x360 leaves
    // partial tiles; smooth_size 8, 32 (default), 100 and 200 take Gaussians of reach 8 and 32
    // and boxes of reach 75 and 150 (one tile then covers the frame), 1 no smoothing.
    const SyntheticStack& s = stack(false);
    for (const int smooth : {8, 32, 100, 200, 1}) {
        fstack::DepthMapStackOptions o;
        o.smooth_size = smooth;
        fstack::DepthMapStack stacker(o);
        const cv::Mat out = run_in_memory(stacker, s.frames);
        const double sigma = smooth / 4.0;
        const bool boxes = smooth > 1 && sigma > fstack::kernels::kWeightBoxFromSigma;
        const cv::Mat expected = whole_image_blend(s.frames, stacker.depth_map(), [&](cv::Mat& w) {
            if (smooth > 1 && !boxes) {
                cv::GaussianBlur(w, w, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
            } else if (boxes) {
                const int n = fstack::kernels::weight_box_size(sigma, std::max(w.rows, w.cols));
                for (int pass = 0; pass < 3; ++pass) cv::blur(w, w, cv::Size(n, n), cv::Point(-1, -1), cv::BORDER_REFLECT101);
            }
        });
        const auto [worst, differing] = difference(out, expected);
        // The same bits where the smoothing is a Gaussian (its sums do not depend on where the
        // tile starts); the boxes' running sums round otherwise: a level at most, rarely.
        EXPECT_LE(worst, boxes ? 1.0 : 0.0) << "smooth_size " << smooth;
        EXPECT_LE(differing, static_cast<int>(out.total() * 3) / 1000) << "smooth_size " << smooth;
    }
}

TEST(FocusStacker, TiledSecondPassIsTheWholeImagesBlend) {
    // FocusStacker's pass 2 is the same tiled blend, with a Gaussian of smoothing / scale_factor
    // on its raw argmax map: smoothing 4 and 10 at scale 2 (reach 8 and 20), 3 at scale 1.
    const SyntheticStack& s = stack(false);
    for (const auto& [smoothing, scale] : {std::pair{4, 2}, std::pair{10, 2}, std::pair{3, 1}}) {
        fstack::FocusStacker stacker(fstack::FocusStackerOptions{8, smoothing, scale});
        const cv::Mat out = run_in_memory(stacker, s.frames);
        const double sigma = double(smoothing) / scale;
        const cv::Mat expected = whole_image_blend(s.frames, stacker.depth_map(), [&](cv::Mat& w) {
            cv::GaussianBlur(w, w, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
        });
        const auto [worst, differing] = difference(out, expected);
        EXPECT_EQ(worst, 0.0) << "smoothing " << smoothing << ", scale " << scale;
        EXPECT_EQ(differing, 0);
    }
}

}  // namespace
