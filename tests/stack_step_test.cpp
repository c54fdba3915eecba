// SPDX-License-Identifier: GPL-3.0-or-later
// The one stacking step (stack, stack_bunches) that every front end calls, and the job layer's
// path rules (JobContext): results against the stacker driven by hand, bunches against their
// frames, errors naming the frame in the whole stack, and a job that would write into its own
// input folder refused with the frames untouched.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/align_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job.hpp"
#include "fstack/multilayer.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;
using test::TempDir;

const std::vector<cv::Mat>& frames7() {
    synth::SceneOptions o;
    o.width = 200;
    o.height = 150;
    o.frames = 7;
    return test::cached_stack(o).frames;
}

bool same(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(StackStep, WithoutActionsIsTheStackerDrivenByHand) {
    MemoryFrameSource source(frames7());
    PyramidStack a, b;
    const StackResult r = stack(source, FramePipeline{}, a, {});
    EXPECT_TRUE(same(r.image, test::run_in_memory(b, frames7())));
    EXPECT_EQ(r.frame_count, 7);
    ASSERT_TRUE(r.frames);
    ASSERT_EQ(r.frames->size(), 7);
    EXPECT_TRUE(same(r.frames->frame(3), frames7()[3]));  // the frames as the stacker saw them
    EXPECT_TRUE(same(r.depth_map, b.depth_map()));
}

TEST(StackStep, ActionsRunOnTheFlyAndTheResultKeepsTheProcessedFrames) {
    // Frame 1 shifted by 6 px: the pipeline's AlignFrames must bring it back.
    std::vector<cv::Mat> frames = {frames7()[2], frames7()[3].clone(), frames7()[4]};
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 6, 0, 1, -4);
    cv::warpAffine(frames7()[3], frames[1], shift, frames[1].size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    MemoryFrameSource source(frames);
    FramePipeline pipeline;
    pipeline.actions.push_back(std::make_unique<AlignFrames>());
    pipeline.options.ref_idx = 0;
    PyramidStack stacker;
    const StackResult r = stack(source, pipeline, stacker, {});
    ASSERT_TRUE(r.frames);
    const cv::Rect inner(20, 20, frames[0].cols - 40, frames[0].rows - 40);
    const double before = cv::norm(frames[1](inner), frames7()[3](inner), cv::NORM_L1) / inner.area();
    const double after = cv::norm(r.frames->frame(1)(inner), frames7()[3](inner), cv::NORM_L1) / inner.area();
    EXPECT_LT(after, before / 4) << "before " << before << " after " << after;
    // The pipeline is not consumed and the source not changed: stacking again, with the same
    // pipeline or a new one, gives the very same result (alignment is deterministic within a
    // process, not only from one process to the next).
    for (size_t i = 0; i < frames.size(); ++i) EXPECT_TRUE(same(source.frame(int(i)), frames[i])) << i;
    PyramidStack again, fresh;
    EXPECT_TRUE(same(stack(source, pipeline, again, {}).image, r.image));
    FramePipeline pipeline2;
    pipeline2.actions.push_back(std::make_unique<AlignFrames>());
    pipeline2.options.ref_idx = 0;
    EXPECT_TRUE(same(stack(source, pipeline2, fresh, {}).image, r.image));
}

TEST(StackStep, FewerThanTwoFramesIsAnInputError) {
    MemoryFrameSource one(std::vector<cv::Mat>{frames7()[0]});
    PyramidStack s;
    EXPECT_EQ(test::expect_error([&] { stack(one, FramePipeline{}, s, {}); }).kind(), ErrorKind::Input);
}

TEST(StackStep, BunchesAreStackedOneByOneAndALoneLastFrameIsPassedThrough) {
    MemoryFrameSource source(frames7());
    const std::vector<FrameRange> ranges = bunch_ranges(7, 3, 0);  // [0,3) [3,6) [6,7)
    ASSERT_EQ(ranges.size(), 3u);
    std::vector<cv::Mat> results;
    PyramidStack prototype;
    stack_bunches(source, FramePipeline{}, prototype, ranges, {}, null_progress(),
                  [&](size_t b, const StackResult& r) {
                      EXPECT_EQ(b, results.size());
                      results.push_back(r.image);
                  });
    ASSERT_EQ(results.size(), 3u);
    PyramidStack by_hand;
    EXPECT_TRUE(same(results[1], test::run_in_memory(by_hand, {frames7()[3], frames7()[4], frames7()[5]})));
    EXPECT_TRUE(same(results[2], frames7()[6]));
}

TEST(StackStep, ABunchErrorNamesTheFrameByItsIndexInTheStack) {
    std::vector<cv::Mat> frames = frames7();
    cv::resize(frames[4], frames[4], cv::Size(100, 75));  // a frame of another size in bunch 2
    MemoryFrameSource source(frames);
    PyramidStack prototype;
    const Error e = test::expect_error([&] {
        stack_bunches(source, FramePipeline{}, prototype, bunch_ranges(7, 3, 0), {}, null_progress(),
                      [](size_t, const StackResult&) {});
    });
    EXPECT_EQ(e.frame_index(), 4) << e.what();
}

TEST(StackStep, BunchOutputIsNamedAfterItsFirstFrame) {
    EXPECT_EQ(bunch_output("out", "in/IMG_0012.JPG", "_py", ".tif"), fs::path("out") / "IMG_0012_py.tif");
}

// ---- the job's path rules ----------------------------------------------------------------

void make_frames(const fs::path& dir) {
    fs::create_directories(dir);
    for (int i = 0; i < 3; ++i) write_image(dir / ("f" + std::to_string(i) + ".png"), frames7()[size_t(i)]);
}

TEST(JobPaths, InputRuleOwnThenPreviousThenJob) {
    JobContext c{"w", "job_in", {}, &null_progress()};
    EXPECT_EQ(c.input("own", "A"), fs::path("own"));
    EXPECT_EQ(c.input({}, "A"), fs::path("job_in"));
    c.last_output_path = "previous";
    EXPECT_EQ(c.input({}, "A"), fs::path("previous"));
    EXPECT_EQ(c.working({}), fs::path("w"));
    EXPECT_EQ(c.working("mine"), fs::path("mine"));
    const JobContext none{"w", {}, {}, &null_progress()};
    const Error e = test::expect_error([&] { none.input({}, "FocusStack s"); });
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("FocusStack s"), std::string::npos) << e.what();
}

// Every action that writes files refuses an output_path that is its input folder, however it
// is spelt, and leaves the frames as they were.
TEST(JobPaths, NoActionWritesIntoItsOwnInputFolder) {
    for (const std::string& out : {std::string("src"), std::string("./src/"), std::string("src/../src")}) {
        for (int kind = 0; kind < 3; ++kind) {
            TempDir dir;
            make_frames(dir / "src");
            const std::string before = test::file_bytes(dir / "src" / "f0.png");
            StackJob job("t", dir.path(), "src");
            FocusStackOptions o;
            o.output_path = out;
            if (kind == 0) job.add_action(std::make_unique<FocusStack>("s", std::make_unique<PyramidStack>(), o));
            if (kind == 1)
                job.add_action(std::make_unique<FocusStackBunch>("b", std::make_unique<PyramidStack>(), 2, 0, o));
            if (kind == 2) {
                MultiLayerOptions m;
                m.output_path = out;
                job.add_action(std::make_unique<MultiLayer>("m", m));
            }
            const Error e = test::expect_error([&] { job.run(); });
            EXPECT_EQ(e.kind(), ErrorKind::Output) << kind << " " << out << ": " << e.what();
            EXPECT_NE(std::string(e.what()).find("input folder"), std::string::npos) << e.what();
            EXPECT_EQ(test::file_bytes(dir / "src" / "f0.png"), before) << kind << " " << out;
            std::vector<fs::path> left;
            for (const auto& f : fs::directory_iterator(dir / "src")) left.push_back(f.path().filename());
            EXPECT_EQ(left.size(), 3u) << kind << " " << out;  // nothing added either
        }
    }
}

}  // namespace
