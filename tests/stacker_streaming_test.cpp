// SPDX-License-Identifier: GPL-3.0-or-later
// The stackers' streaming contract: fed by hand, reused, cloned; odd frames and options refused.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/error.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stacker.hpp"
#include "stacker_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::stacker;

// ---------------------------------------------------------------------------------------------
// Streaming contract

TEST(Streaming, AddFinishEqualsRunStacker) {
    const SyntheticStack& s = stack(false);
    std::vector<std::unique_ptr<fstack::Stacker>> stackers;
    stackers.push_back(std::make_unique<fstack::PyramidStack>());
    stackers.push_back(std::make_unique<fstack::DepthMapStack>());
    fstack::DepthMapStackOptions avg;
    avg.map_type = fstack::MapType::Average;
    stackers.push_back(std::make_unique<fstack::DepthMapStack>(avg));
    for (auto& stacker : stackers) {
        SCOPED_TRACE(stacker->name() + " passes=" + std::to_string(stacker->passes()));
        const cv::Mat by_hand = feed_by_hand(*stacker, s.frames);
        const cv::Mat depth_by_hand = stacker->depth_map().clone();
        // The same object reused: begin() must reset every accumulator.
        const cv::Mat driven = run_in_memory(*stacker, s.frames);
        ASSERT_EQ(by_hand.type(), driven.type());
        EXPECT_EQ(cv::norm(by_hand, driven, cv::NORM_INF), 0.0);
        EXPECT_EQ(cv::norm(depth_by_hand, stacker->depth_map(), cv::NORM_INF), 0.0);
        // And a clone gives the same answer.
        auto copy = stacker->clone();
        EXPECT_EQ(cv::norm(run_in_memory(*copy, s.frames), driven, cv::NORM_INF), 0.0);
    }
}

TEST(Streaming, FrameOfAnotherSizeIsNamed) {
    const SyntheticStack& s = stack(false);
    cv::Mat small;
    cv::resize(s.frames[2], small, cv::Size(), 0.5, 0.5);
    fstack::PyramidStack stacker;
    stacker.begin(3);
    stacker.begin_pass(0);
    stacker.add(s.frames[0]);
    stacker.add(s.frames[1]);
    const Error direct = expect_error([&] { stacker.add(small); });
    EXPECT_EQ(direct.kind(), ErrorKind::Input);
    EXPECT_EQ(direct.frame_index(), 2);
    EXPECT_TRUE(contains(direct.what(), "frame 3")) << direct.what();  // counted from 1

    // Through the driver the frame's name is added.
    std::vector<cv::Mat> frames = {s.frames[0], s.frames[1], s.frames[2], small};
    fstack::DepthMapStack dm;
    const Error driven = expect_error([&] { run_in_memory(dm, frames); });
    EXPECT_EQ(driven.frame_index(), 3);
    EXPECT_EQ(driven.file(), "");  // frames in memory have no file name
    EXPECT_TRUE(contains(driven.what(), "frame 4")) << driven.what();

    // Another type (16-bit among 8-bit) is refused too.
    cv::Mat deep;
    s.frames[1].convertTo(deep, CV_16U, 257.0);
    const Error type = expect_error([&] { run_in_memory(stacker, {s.frames[0], deep}); });
    EXPECT_EQ(type.frame_index(), 1);
}

TEST(Streaming, InvalidOptionsAreUsageErrors) {
    const auto usage = [](const std::function<void()>& f, const char* what) {
        SCOPED_TRACE(what);
        const Error e = expect_error(f);
        EXPECT_EQ(e.kind(), ErrorKind::Usage) << e.what();
    };
    usage([] { fstack::DepthMapStackOptions o; o.kernel_size = 4; fstack::DepthMapStack s(o); }, "even kernel");
    usage([] { fstack::DepthMapStackOptions o; o.kernel_size = 0; fstack::DepthMapStack s(o); }, "kernel 0");
    usage([] { fstack::DepthMapStackOptions o; o.blur_size = -1; fstack::DepthMapStack s(o); }, "blur -1");
    usage([] { fstack::PyramidStackOptions o; o.gen_kernel = 0.6; fstack::PyramidStack s(o); }, "gen_kernel 0.6");
    usage([] { fstack::PyramidStackOptions o; o.gen_kernel = 0.0; fstack::PyramidStack s(o); }, "gen_kernel 0");
    usage([] { fstack::PyramidStackOptions o; o.pyramid_min_size = 1; fstack::PyramidStack s(o); }, "min size 1");
    usage([] { fstack::PyramidStackOptions o; o.kernel_size = 0; fstack::PyramidStack s(o); }, "kernel 0");
    usage([] { fstack::PyramidStack s(1, 5, 0.4); }, "seed constructor min size 1");
    // The valid extremes are accepted.
    EXPECT_NO_THROW({ fstack::PyramidStack s(4, 1, 0.3); });
    EXPECT_NO_THROW({ fstack::DepthMapStackOptions o; o.kernel_size = 1; fstack::DepthMapStack s(o); });
}

TEST(Streaming, EightBitFramesWithSmallPyramid) {
    // A frame smaller than pyramid_min_size on a side still stacks (a single-band pyramid).
    const SyntheticStack& s = stack(false);
    std::vector<cv::Mat> tiny;
    for (const cv::Mat& f : s.frames) tiny.push_back(f(cv::Rect(100, 100, 24, 20)).clone());
    fstack::PyramidStack stacker;
    const cv::Mat out = run_in_memory(stacker, tiny);
    EXPECT_EQ(out.size(), cv::Size(24, 20));
    EXPECT_EQ(out.type(), CV_8UC3);
}

}  // namespace
