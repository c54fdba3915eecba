// SPDX-License-Identifier: GPL-3.0-or-later
// Alignment against known warps (issue 12): stacks of 10 and 30 frames rendered with focus
// breathing up to 3%, shifts up to 30 px, rotations up to 1 degree, gains up to 10%, noise and
// both ends strongly out of focus, 8- and 16-bit, through the frame pipeline the CLI's defaults
// build (--align auto). Every frame's transform must put its corners within 0.1 px of the truth:
// chained steps must not drift. Also checks the renderer's own geometry.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "frame_action_options.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/frame_source.hpp"
#include "synthetic/warped.hpp"

namespace {

using namespace fstack;
namespace synth = fstack::synth;

constexpr double kMaxCornerError = 0.1;  // reference pixels

// The renderer's transforms: to_reference inverts from_reference, and the reference warped by
// the true transform reproduces a frame (no blur, no noise) better than a transform 0.05 px off.
TEST(WarpedRenderer, KnownTransformsAreTheFramesGeometry) {
    synth::WarpedStackOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = 3;
    o.max_blur = 0;
    o.noise = 0;
    o.sixteen_bit = true;
    o.finest_cell = 4;  // smooth enough for a cubic resample to be a fair judge
    std::vector<synth::FrameMotion> motions(3);
    motions[0] = {1.02, 0.7, 3.3, -2.6, 1.0};
    motions[2] = {0.985, -0.4, -1.45, 0.8, 1.0};
    const synth::WarpedStack stack(o, motions);
    cv::Mat reference;
    stack.render(1).convertTo(reference, CV_32F);
    for (int i : {0, 2}) {
        const cv::Matx33d to_ref = stack.to_reference(i);
        EXPECT_LT(synth::corner_error(to_ref * synth::from_reference(motions[size_t(i)], stack.frame_size()),
                                      cv::Matx33d::eye(), stack.frame_size()),
                  1e-9);
        cv::Mat frame;
        stack.render(i).convertTo(frame, CV_32F);
        const cv::Rect inside(24, 24, o.width - 48, o.height - 48);
        auto mismatch = [&](double ex, double ey) {
            const cv::Matx33d shifted = cv::Matx33d(1, 0, ex, 0, 1, ey, 0, 0, 1) * to_ref;
            cv::Mat predicted;  // frame pixel x takes the reference's value at shifted(x)
            cv::warpPerspective(reference, predicted, cv::Mat(shifted), reference.size(),
                                cv::INTER_CUBIC | cv::WARP_INVERSE_MAP, cv::BORDER_REFLECT);
            return cv::norm(predicted(inside), frame(inside), cv::NORM_L2);
        };
        const double truth = mismatch(0, 0);
        for (const cv::Point2d e : {cv::Point2d(0.05, 0), cv::Point2d(-0.05, 0), cv::Point2d(0, 0.05),
                                    cv::Point2d(0, -0.05)})
            EXPECT_LT(truth, mismatch(e.x, e.y)) << "frame " << i << " error " << e;
    }
}

struct Case {
    int frames;
    bool sixteen_bit;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.frames << " frames, " << (c.sixteen_bit ? 16 : 8) << "-bit"; }

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return std::to_string(info.param.frames) + "frames_" + (info.param.sixteen_bit ? "16" : "8") + "bit";
}

class AlignAccuracy : public ::testing::TestWithParam<Case> {};

TEST_P(AlignAccuracy, EveryFrameWithinATenthOfAPixelOfTheTruth) {
    const Case c = GetParam();
    synth::WarpedStackOptions o;
    o.width = 800;
    o.height = 600;
    o.frames = c.frames;
    o.sixteen_bit = c.sixteen_bit;
    o.seed = unsigned(100 + c.frames + (c.sixteen_bit ? 1 : 0));
    const synth::WarpedStack stack(o);
    MemoryFrameSource source(stack.render_all());

    // The CLI's defaults (--align auto, --balance auto), built by the CLI's own code.
    const FramePipeline pipeline = cli::frame_pipeline(cli::FrameActionOptions{});
    ProcessedFrameSource processed(source, pipeline.clone_actions(), pipeline.options);
    processed.prepare();
    ASSERT_EQ(processed.reference(), stack.reference());
    const std::shared_ptr<const FrameGeometry> geometry = processed.geometry();
    ASSERT_TRUE(geometry);
    ASSERT_EQ(int(geometry->to_reference.size()), stack.size());

    double worst = 0;
    for (int i = 0; i < stack.size(); ++i) {
        const synth::FrameMotion& m = stack.motions()[size_t(i)];
        const double e = synth::corner_error(geometry->to_reference[size_t(i)], stack.to_reference(i),
                                             stack.frame_size());
        const double moved = synth::corner_error(cv::Matx33d::eye(), stack.to_reference(i), stack.frame_size());
        std::printf("frame %2d: corner error %8.4f px (motion %6.2f px: scale %.4f, %+.3f deg, shift %+6.2f %+6.2f, "
                    "gain %.3f)%s\n",
                    i, e, moved, m.scale, m.angle_deg, m.dx, m.dy, m.gain,
                    i < int(geometry->aligned.size()) && !geometry->aligned[size_t(i)] ? " [not aligned]" : "");
        worst = std::max(worst, e);
        EXPECT_LE(e, kMaxCornerError) << "frame " << i;
    }
    std::printf("worst corner error %.4f px over %d frames (%s)\n", worst, stack.size(),
                c.sixteen_bit ? "16-bit" : "8-bit");
}

INSTANTIATE_TEST_SUITE_P(Stacks, AlignAccuracy,
                         ::testing::Values(Case{10, false}, Case{10, true}, Case{30, false}, Case{30, true}),
                         case_name);

}  // namespace
