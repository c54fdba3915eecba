// SPDX-License-Identifier: GPL-3.0-or-later
// DepthMapStack on the known-answer stack: every map type and energy, its depth map, 16-bit.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "fstack/depthmap_stack.hpp"
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

}  // namespace
