// SPDX-License-Identifier: GPL-3.0-or-later
// AlignFrames and the in-memory frame pipeline: known synthetic warps recovered to a fraction of a
// pixel (rigid and homography, 8- and 16-bit, chained and against the reference), a motionless
// stack left untouched, every detector/descriptor/matcher, the border modes, the fallback when
// features fail, and the replay that a second stacker pass uses.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/actions.hpp"
#include "fstack/align_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

namespace synth = fstack::synth;
using namespace fstack;

// Records warnings, so that the fallback can be seen to say so.
struct RecordingProgress : Progress {
    std::vector<std::string> warnings, debug;
    void log(LogLevel level, const std::string& m) override {
        if (level == LogLevel::Warning) warnings.push_back(m);
        if (level == LogLevel::Debug) debug.push_back(m);
    }
};

// The misaligned preset's kind of motion: breathing, shift and rotation growing away from the
// reference; `m` maps reference pixels to frame pixels (synth.py's convention).
cv::Matx33d frame_warp(int i, int ref, cv::Size size, double breathing = 0.015, double shift = 4.0,
                       double rotate_deg = 0.4) {
    const double t = static_cast<double>(i - ref);
    const double s = 1.0 + breathing * t / 4.0;
    const double a = rotate_deg * std::sin(1.7 * t) * M_PI / 180.0;
    const double cx = size.width / 2.0, cy = size.height / 2.0;
    const double tx = shift * std::cos(2.3 * t) * std::abs(t) / 2, ty = shift * std::sin(1.1 * t) * std::abs(t) / 2;
    const cv::Matx33d to_centre(1, 0, -cx, 0, 1, -cy, 0, 0, 1), back(1, 0, cx + tx, 0, 1, cy + ty, 0, 0, 1);
    const cv::Matx33d rs(s * std::cos(a), -s * std::sin(a), 0, s * std::sin(a), s * std::cos(a), 0, 0, 0, 1);
    return back * rs * to_centre;
}

// Frame `i` of the scene, seen through warp `m` (reference -> frame pixels).
cv::Mat warped(const cv::Mat& frame, const cv::Matx33d& m) {
    cv::Mat f, out;
    frame.convertTo(f, CV_32F);
    cv::warpPerspective(f, out, cv::Mat(m), frame.size(), cv::INTER_LANCZOS4,
                        cv::BORDER_REFLECT);
    out.convertTo(out, frame.depth());
    return out;
}

// Largest distance, over a grid, between a reference pixel and where the estimate puts it back.
double residual_px(const cv::Matx33d& to_reference, const cv::Matx33d& truth, cv::Size size) {
    double worst = 0;
    const cv::Matx33d round_trip = to_reference * truth;
    for (int y = 0; y <= size.height; y += size.height / 10)
        for (int x = 0; x <= size.width; x += size.width / 10) {
            const cv::Vec3d q = round_trip * cv::Vec3d(x, y, 1);
            worst = std::max(worst, std::hypot(q[0] / q[2] - x, q[1] / q[2] - y));
        }
    return worst;
}

struct WarpedStack {
    std::vector<cv::Mat> frames;
    std::vector<cv::Matx33d> truth;
};

WarpedStack make_stack(int n, bool sixteen_bit, cv::Size size = {800, 600},
                       std::function<cv::Matx33d(int, int, cv::Size)> warp = {}) {
    synth::SceneOptions o;
    o.width = size.width;
    o.height = size.height;
    o.frames = n;
    o.seed = 21;
    o.max_coc = 5;
    o.sixteen_bit = sixteen_bit;
    const synth::Scene scene = synth::make_scene(o);
    WarpedStack s;
    const int ref = n / 2;
    for (int i = 0; i < n; ++i) {
        const cv::Matx33d m = warp ? warp(i, ref, size) : frame_warp(i, ref, size);
        s.truth.push_back(m);
        const cv::Mat f = synth::render_frame(scene, i);
        s.frames.push_back(i == ref ? f : warped(f, m));
    }
    return s;
}

struct Aligned {
    std::vector<cv::Mat> frames;
    std::vector<FrameAlignment> alignments;
};

Aligned align(const std::vector<cv::Mat>& frames, AlignFramesOptions options = {}, bool step = true,
              Progress& progress = null_progress()) {
    MemoryFrameSource source(frames);
    auto action = std::make_unique<AlignFrames>(options);
    AlignFrames* a = action.get();
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::move(action));
    FramePipelineOptions po;
    po.step_process = step;
    ProcessedFrameSource processed(source, std::move(actions), po, progress);
    Aligned out;
    for (int i = 0; i < processed.size(); ++i) out.frames.push_back(processed.frame(i));
    for (int i = 0; i < processed.size(); ++i) out.alignments.push_back(a->alignment(i));
    return out;
}

void expect_recovered(const WarpedStack& s, const Aligned& a, double limit = 0.3) {
    for (size_t i = 0; i < s.frames.size(); ++i) {
        const double r = residual_px(a.alignments[i].to_reference, s.truth[i], s.frames[i].size());
        EXPECT_LT(r, limit) << "frame " << i;
        EXPECT_FALSE(a.alignments[i].fallback) << "frame " << i;
    }
}

TEST(AlignFrames, RigidRecoversKnownWarpsChained8Bit) {
    const WarpedStack s = make_stack(7, false);
    expect_recovered(s, align(s.frames));
}

TEST(AlignFrames, RigidRecoversKnownWarpsAgainstReference) {
    const WarpedStack s = make_stack(5, false);
    expect_recovered(s, align(s.frames, {}, /*step=*/false));
}

TEST(AlignFrames, RigidRecoversKnownWarps16Bit) {
    const WarpedStack s = make_stack(5, true);
    const Aligned a = align(s.frames);
    expect_recovered(s, a);
    for (const cv::Mat& f : a.frames) EXPECT_EQ(f.type(), CV_16UC3);
}

TEST(AlignFrames, HomographyRecoversPerspective) {
    const auto perspective = [](int i, int ref, cv::Size size) {
        cv::Matx33d m = frame_warp(i, ref, size, 0.01, 3.0, 0.3);
        const double t = static_cast<double>(i - ref);
        m(2, 0) = 1.5e-5 * t;  // a tilt: far side smaller
        m(2, 1) = -1e-5 * t;
        return m;
    };
    const WarpedStack s = make_stack(5, false, {800, 600}, perspective);
    AlignFramesOptions o;
    o.alignment_config.transform = AlignTransform::Homography;
    expect_recovered(s, align(s.frames, o));
}

TEST(AlignFrames, MotionlessStackIsLeftUntouched) {
    synth::SceneOptions o;
    o.width = 640;
    o.height = 480;
    o.frames = 6;
    o.seed = 3;
    const auto frames = synth::render_all(synth::make_scene(o));
    const Aligned a = align(frames);
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(a.alignments[i].to_reference, cv::Matx33d::eye()) << "frame " << i;
        EXPECT_EQ(cv::norm(a.frames[i], frames[i], cv::NORM_INF), 0.0) << "frame " << i;
    }
}

TEST(AlignFrames, EveryDetectorAndMatcherAligns) {
    const auto shift_only = [](int i, int ref, cv::Size size) { return frame_warp(i, ref, size, 0.004, 3.0, 0.1); };
    const WarpedStack s = make_stack(3, false, {800, 600}, shift_only);
    struct Case { Detector d; Descriptor e; MatchingMethod m; const char* name; };
    for (const Case c : {Case{Detector::Orb, Descriptor::Orb, MatchingMethod::Knn, "ORB knn"},
                         Case{Detector::Orb, Descriptor::Orb, MatchingMethod::NormHamming, "ORB hamming"},
                         Case{Detector::Akaze, Descriptor::Akaze, MatchingMethod::Knn, "AKAZE"},
                         Case{Detector::Brisk, Descriptor::Brisk, MatchingMethod::NormHamming, "BRISK"},
                         Case{Detector::Sift, Descriptor::Brisk, MatchingMethod::Knn, "SIFT+BRISK"},
                         Case{Detector::Orb, Descriptor::Sift, MatchingMethod::Knn, "ORB+SIFT"}}) {
        SCOPED_TRACE(c.name);
        AlignFramesOptions o;
        o.feature_config = {c.d, c.e};
        o.matching_config.method = c.m;
        const Aligned a = align(s.frames, o);
        // Binary detectors find keypoints on whole pixels of their pyramid levels: measured
        // 0.5 to 1.1 px here (SIFT: < 0.3 px, the tests above). No sub-pixel refinement yet.
        for (size_t i = 0; i < s.frames.size(); ++i)
            EXPECT_LT(residual_px(a.alignments[i].to_reference, s.truth[i], s.frames[i].size()), 1.5) << i;
    }
}

TEST(AlignFrames, ImpossibleCombinationsAreUsageErrors) {
    const auto usage = [](AlignFramesOptions o) {
        try {
            AlignFrames a(o);
        } catch (const Error& e) {
            return e.kind() == ErrorKind::Usage;
        }
        return false;
    };
    AlignFramesOptions akaze;
    akaze.feature_config = {Detector::Sift, Descriptor::Akaze};
    EXPECT_TRUE(usage(akaze));
    AlignFramesOptions hamming;
    hamming.matching_config.method = MatchingMethod::NormHamming;  // with SIFT descriptors
    EXPECT_TRUE(usage(hamming));
    AlignFramesOptions threshold;
    threshold.matching_config.threshold = 0;
    EXPECT_TRUE(usage(threshold));
#if !defined(OPENCV_ENABLE_NONFREE)
    AlignFramesOptions surf;
    surf.feature_config.detector = Detector::Surf;
    EXPECT_TRUE(usage(surf));
#endif
}

TEST(AlignFrames, FallsBackToPhaseCorrelationAndSaysSo) {
    const auto shift = [](int i, int ref, cv::Size) {
        return cv::Matx33d(1, 0, 5.0 * (i - ref), 0, 1, -3.0 * (i - ref), 0, 0, 1);
    };
    const WarpedStack s = make_stack(3, false, {640, 480}, shift);
    AlignFramesOptions o;
    o.alignment_config.min_matches = 1000000;  // no estimate is ever good enough
    RecordingProgress progress;
    const Aligned a = align(s.frames, o, true, progress);
    EXPECT_EQ(progress.warnings.size(), 2u);
    for (size_t i = 0; i < s.frames.size(); ++i) {
        if (static_cast<int>(i) == 1) continue;
        EXPECT_TRUE(a.alignments[i].fallback);
        EXPECT_LT(residual_px(a.alignments[i].to_reference, s.truth[i], s.frames[i].size()), 0.5) << i;
    }
    ASSERT_FALSE(progress.warnings.empty());
    EXPECT_NE(progress.warnings[0].find("phase correlation"), std::string::npos) << progress.warnings[0];
}

// A small subject on a plain background (an insect on a white card): on the 250 px copies
// it is a few dozen pixels across, too few features for an estimate; they are found again on
// larger copies, and the frames are aligned (not shifted by phase correlation, which cannot
// recover the scale and rotation).
TEST(AlignFrames, ASmallSubjectIsFoundOnLargerCopies) {
    const cv::Size size(1600, 1200);
    const auto motion = [](int i, int ref, cv::Size sz) { return frame_warp(i, ref, sz, 0.03, 6.0, 0.8); };
    synth::SceneOptions so;
    so.width = size.width;
    so.height = size.height;
    so.frames = 3;
    so.seed = 5;
    so.max_coc = 2;
    const synth::Scene scene = synth::make_scene(so);
    cv::Mat disc = cv::Mat::zeros(size, CV_32F);
    cv::circle(disc, {size.width / 2, size.height / 2}, 90, cv::Scalar(1), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(disc, disc, cv::Size(), 2);
    cv::Mat disc3;
    cv::merge(std::vector<cv::Mat>(3, disc), disc3);
    WarpedStack s;
    for (int i = 0; i < 3; ++i) {
        cv::Mat f;
        synth::render_frame(scene, i).convertTo(f, CV_32FC3);
        const cv::Mat card(size, CV_32FC3, cv::Scalar(200, 200, 200));
        cv::Mat subject = f.mul(disc3) + card.mul(cv::Scalar(1, 1, 1) - disc3);
        subject.convertTo(subject, CV_8UC3);
        const cv::Matx33d m = motion(i, 1, size);
        s.truth.push_back(m);
        s.frames.push_back(i == 1 ? subject : warped(subject, m));
    }
    RecordingProgress progress;
    const Aligned a = align(s.frames, {}, true, progress);
    bool retried = false;
    for (const std::string& m : progress.debug) retried = retried || m.find("again on 500 px copies") != std::string::npos;
    EXPECT_TRUE(retried) << "the 250 px copies had enough features: the test does not test the retry";
    EXPECT_TRUE(progress.warnings.empty()) << progress.warnings.front();
    expect_recovered(s, a);
}

TEST(AlignFrames, FeaturelessFramesAreNotWarpedIntoGarbage) {
    // A smooth gradient: no features, so no scale or rotation may be invented.
    cv::Mat f(480, 640, CV_8UC3);
    for (int y = 0; y < f.rows; ++y)
        for (int x = 0; x < f.cols; ++x) f.at<cv::Vec3b>(y, x) = cv::Vec3b(60 + x / 8, 60 + y / 8, 100);
    RecordingProgress progress;
    const Aligned a = align({f, f, f}, {}, true, progress);
    for (const auto& al : a.alignments) {
        EXPECT_DOUBLE_EQ(al.to_reference(0, 0), 1.0);
        EXPECT_DOUBLE_EQ(al.to_reference(1, 1), 1.0);
        EXPECT_DOUBLE_EQ(al.to_reference(0, 1), 0.0);
    }
    EXPECT_EQ(progress.warnings.size(), 2u);
}

TEST(AlignFrames, BorderModesFillTheUncoveredArea) {
    const auto shift = [](int i, int ref, cv::Size) {
        return cv::Matx33d(1, 0, 20.0 * (i - ref), 0, 1, 0, 0, 0, 1);
    };
    const WarpedStack s = make_stack(2, false, {640, 480}, shift);  // frame 0 shifted 20 px left
    for (BorderMode mode : {BorderMode::Constant, BorderMode::Replicate, BorderMode::ReplicateBlur}) {
        AlignFramesOptions o;
        o.alignment_config.border_mode = mode;
        o.alignment_config.border_value = cv::Scalar(7, 8, 9);
        const Aligned a = align(s.frames, o);
        const cv::Vec3b corner = a.frames[0].at<cv::Vec3b>(240, 2);  // uncovered after the warp
        const cv::Vec3b inside = a.frames[0].at<cv::Vec3b>(240, 25);
        if (mode == BorderMode::Constant) EXPECT_EQ(corner, cv::Vec3b(7, 8, 9));
        else EXPECT_LT(cv::norm(cv::Vec3d(corner) - cv::Vec3d(inside)), 120.0) << static_cast<int>(mode);
    }
}

TEST(FramePipeline, ReplayGivesTheSameFramesAsTheFirstPass) {
    const WarpedStack s = make_stack(5, false, {640, 480});
    MemoryFrameSource source(s.frames);
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::make_unique<AlignFrames>());
    ProcessedFrameSource processed(source, std::move(actions));
    std::vector<cv::Mat> first(5);
    processed.prepare([&](int i, const cv::Mat& f) { first[static_cast<size_t>(i)] = f.clone(); });
    for (int i = 0; i < 5; ++i) EXPECT_EQ(cv::norm(processed.frame(i), first[static_cast<size_t>(i)], cv::NORM_INF), 0.0);
}

TEST(FramePipeline, VisitsTheReferenceFirstThenOutward) {
    const auto order = visiting_order(5, 2, true);
    const std::vector<std::pair<int, int>> want{{2, 2}, {3, 2}, {4, 3}, {1, 2}, {0, 1}};
    ASSERT_EQ(order.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(order[i].index, want[i].first);
        EXPECT_EQ(order[i].neighbour, want[i].second);
    }
    for (const auto& v : visiting_order(5, 1, false)) EXPECT_EQ(v.neighbour, 1);
    EXPECT_THROW(reference_index(5, 5), Error);
    EXPECT_EQ(reference_index(6, std::nullopt), 3);
}

TEST(AlignFrames, WritesAPlotOfTheMatches) {
    test::TempDir dir;
    const WarpedStack s = make_stack(2, false, {640, 480});
    MemoryFrameSource source(s.frames);
    AlignFramesOptions o;
    o.plot_config.enabled = true;
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::make_unique<AlignFrames>(o));
    FramePipelineOptions po;
    po.plot_path = dir.path() / "plots";
    ProcessedFrameSource processed(source, std::move(actions), po);
    processed.prepare();
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "plots" / "align-matches-frame_0.png"));
}

}  // namespace
