// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack --depth-map`: the depth map beside the result, 8 and 16 bits; JPEG refused for
// 16 bits.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "cli_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::cli;

// ---------------------------------------------------------------------------------------------
// Depth maps

TEST(CliDepthMap, EightBitGreyPng) {
    TempDir tmp;
    make_stack(tmp / "in", 4);
    const fs::path dm = tmp / "depth.png";
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string(), "--depth-map", dm.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(tmp / "r.jpg", CV_8U, 3);
    expect_image(dm, CV_8U, 1);
    // Near (first frame, left stripe) is dark, far (last frame, right stripe) is bright.
    const cv::Mat m = read_back(dm);
    const double left = cv::mean(m(cv::Rect(5, 10, 20, 100)))[0];
    const double right = cv::mean(m(cv::Rect(kWidth - 25, 10, 20, 100)))[0];
    EXPECT_LT(left, right);
}

TEST(CliDepthMap, SixteenBitTiffWithDepthMapStacker) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png");
    const fs::path dm = tmp / "depth.tif";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.png").string(), "--stacker",
                                        "depthmap", "--depth-map", dm.string(), "--depth-map-bits", "16"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(dm, CV_16U, 1);
}

TEST(CliDepthMap, SixteenBitJpegIsUsageError) {
    TempDir tmp;
    make_stack(tmp / "in", 3);
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string(),
                                        "--depth-map", (tmp / "d.jpg").string(), "--depth-map-bits", "16"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_FALSE(fs::exists(tmp / "r.jpg"));
}

}  // namespace
