// SPDX-License-Identifier: GPL-3.0-or-later
// Stacks that do not move come out of `fstack stack` with its defaults (--align auto, --balance
// auto) bit-identical to `--align none --balance none` (issue 12): a smooth, strongly defocused
// scene with little texture (8- and 16-bit), and the pcb stack's middle frame blurred to a
// series of levels, where an estimate on blurred frames would warp what should stay put.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "synthetic/warped.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::test::TempDir;

// Stacks `frames` (a folder) with the defaults and with --align none --balance none; the
// decoded outputs must be equal pixel for pixel.
void expect_defaults_leave_it_alone(const fs::path& frames, const fs::path& dir,
                                    const std::string& untouched = " --align none --balance none") {
    const std::string cli = fstack::test::cli_path();
    const fs::path defaults = dir / "defaults.png", none = dir / "none.png";
    const auto a = fstack::test::run_command(cli + " stack " + frames.string() + " -o " + defaults.string() + " -v 2>&1");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    const auto b = fstack::test::run_command(cli + " stack " + frames.string() + " -o " + none.string() + untouched +
                                             " -q");
    ASSERT_EQ(b.exit_code, 0) << b.output;
    const cv::Mat x = cv::imread(defaults.string(), cv::IMREAD_UNCHANGED);
    const cv::Mat y = cv::imread(none.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(x.empty());
    ASSERT_EQ(x.size(), y.size());
    ASSERT_EQ(x.type(), y.type());
    cv::Mat diff;
    cv::absdiff(x, y, diff);
    const int changed = cv::countNonZero(diff.reshape(1) != 0);
    EXPECT_EQ(cv::norm(x, y, cv::NORM_INF), 0) << changed << " of " << x.total() * x.channels()
                                               << " samples differ; the defaults said:\n" << a.output;
}

class StillSmoothStack : public ::testing::TestWithParam<bool> {};

TEST_P(StillSmoothStack, DefaultsAreBitIdenticalToNoAlignment) {
    TempDir dir;
    fstack::synth::WarpedStackOptions o;
    o.width = 640;
    o.height = 480;
    o.frames = 7;
    o.seed = 21;
    o.sixteen_bit = GetParam();
    o.breathing = o.max_shift = o.max_rotation_deg = o.max_gain = 0;  // nothing moves, even light
    o.max_blur = 12;
    o.texture = 0.15;
    o.low_texture = 0.6;
    const fstack::synth::WarpedStack stack(o);
    const fs::path frames = dir / "frames";
    fs::create_directories(frames);
    for (int i = 0; i < stack.size(); ++i)
        ASSERT_TRUE(cv::imwrite((frames / ("frame_" + std::to_string(i) + ".png")).string(), stack.render(i)));
    expect_defaults_leave_it_alone(frames, dir.path());
}

INSTANTIATE_TEST_SUITE_P(Depths, StillSmoothStack, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "16bit" : "8bit"; });

TEST(StillBlurSeries, PcbMiddleFrameBlurredIsLeftAlone) {
    TempDir dir;
    const cv::Mat sharp =
        cv::imread(std::string(FSTACK_TEST_DATA) + "/stacks/pcb_usb_petteri/pcb_004.jpg", cv::IMREAD_COLOR);
    ASSERT_FALSE(sharp.empty());
    const fs::path frames = dir / "frames";
    fs::create_directories(frames);
    for (int k = 0; k <= 6; ++k) {  // Gaussian sigma 0 (the frame itself) to 6 px
        cv::Mat f = sharp;
        if (k > 0) cv::GaussianBlur(sharp, f, cv::Size(), k, k, cv::BORDER_REFLECT);
        ASSERT_TRUE(cv::imwrite((frames / ("pcb_sigma" + std::to_string(k) + ".png")).string(), f));
    }
    // Against --align none (issue 12's test): a blur computed on code values changes the linear
    // light an area holds (a lens blurs light), which --balance auto rightly reads as a gain of a
    // fraction of a percent per step; the alignment must leave these frames alone.
    expect_defaults_leave_it_alone(frames, dir.path(), " --align none");
}

}  // namespace
