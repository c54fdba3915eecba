// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker's streaming contract: fed by hand, reused, cloned; odd frames and options refused.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "focus_stacker_test_support.hpp"
#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::focus_stacker;

// ---------------------------------------------------------------------------------------------
// Streaming contract and options

TEST(FocusStacker, AddFinishEqualsRunStackerAndClone) {
    const SyntheticStack& s = stack(false);
    FocusStacker stacker;
    EXPECT_EQ(stacker.name(), "focusmeasure");
    const cv::Mat by_hand = feed_by_hand(stacker, s.frames);
    const cv::Mat depth = stacker.depth_map().clone();
    const cv::Mat driven = run_in_memory(stacker, s.frames);  // the same object again: begin() resets it
    EXPECT_EQ(cv::norm(by_hand, driven, cv::NORM_INF), 0.0);
    EXPECT_EQ(cv::norm(depth, stacker.depth_map(), cv::NORM_INF), 0.0);
    auto copy = stacker.clone();
    EXPECT_EQ(copy->name(), "focusmeasure");
    EXPECT_EQ(cv::norm(run_in_memory(*copy, s.frames), driven, cv::NORM_INF), 0.0);
    // The depth map is at the input size whatever the scale, and names real frames.
    ASSERT_EQ(depth.size(), s.frames[0].size());
    double lo = 0, hi = 0;
    cv::minMaxLoc(depth, &lo, &hi);
    EXPECT_GE(lo, 0);
    EXPECT_LE(hi, 7);
}

TEST(FocusStacker, FrameOfAnotherSizeIsNamed) {
    const SyntheticStack& s = stack(false);
    cv::Mat small;
    cv::resize(s.frames[2], small, cv::Size(), 0.5, 0.5);
    FocusStacker stacker;
    const Error e = expect_error([&] { run_in_memory(stacker, {s.frames[0], s.frames[1], small}); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_EQ(e.frame_index(), 2);
    EXPECT_TRUE(contains(e.what(), "frame 3")) << e.what();  // messages count from 1
}

TEST(FocusStacker, InvalidOptionsAreUsageErrors) {
    const auto usage = [](const std::function<void()>& f, const char* what) {
        SCOPED_TRACE(what);
        const Error e = expect_error(f);
        EXPECT_EQ(e.kind(), ErrorKind::Usage) << e.what();
    };
    usage([] { FocusStacker s(0); }, "radius 0");
    usage([] { FocusStacker s(21); }, "radius 21");
    usage([] { FocusStacker s(8, 0); }, "smoothing 0");
    usage([] { FocusStacker s(8, 11); }, "smoothing 11");
    usage([] { FocusStacker s(8, 4, 0); }, "scale 0");
    usage([] { FocusStacker s(8, 4, 5); }, "scale 5");
    usage([] { FocusStacker s(fstack::FocusStackerOptions{-3, 4, 2}); }, "options struct");
    const Error e = expect_error([] { FocusStacker s(25); });
    EXPECT_TRUE(contains(e.what(), "radius")) << e.what();
    EXPECT_TRUE(contains(e.what(), "25")) << e.what();

    // The valid extremes are accepted, and run.
    const SyntheticStack& s = stack(false);
    std::vector<cv::Mat> tiny;
    for (const cv::Mat& f : s.frames) tiny.push_back(f(cv::Rect(200, 150, 48, 40)).clone());
    for (const fstack::FocusStackerOptions o : {fstack::FocusStackerOptions{1, 1, 1}, fstack::FocusStackerOptions{20, 10, 4}}) {
        FocusStacker stacker(o);
        const cv::Mat out = run_in_memory(stacker, tiny);
        EXPECT_EQ(out.size(), cv::Size(48, 40));
        EXPECT_EQ(out.type(), CV_8UC3);
    }
}

}  // namespace
