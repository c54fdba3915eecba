// SPDX-License-Identifier: GPL-3.0-or-later
// Vignetting: the seed's sigmoid model recovered from a synthetic vignette to within 5%, the
// fall-off divided out, on 8- and 16-bit frames; apply_correction and max_correction.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "fstack/actions.hpp"
#include "fstack/error.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/vignetting.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;

const VignettingModel kTruth{400.0, 0.008, 700.0};  // centre ~200 (8-bit), corners ~75

// A flat grey field under the vignette, scaled to the depth, with a little noise.
cv::Mat vignetted(bool sixteen_bit, double level = 1.0) {
    cv::Mat f(900, 1200, sixteen_bit ? CV_16UC3 : CV_8UC3);
    const double cx = (f.cols - 1) / 2.0, cy = (f.rows - 1) / 2.0, scale = sixteen_bit ? 257.0 : 1.0;
    cv::RNG rng(5);
    for (int y = 0; y < f.rows; ++y)
        for (int x = 0; x < f.cols; ++x) {
            const double v = level * kTruth(std::hypot(x - cx, y - cy)) * scale + rng.gaussian(0.5 * scale);
            if (sixteen_bit) f.at<cv::Vec3w>(y, x) = cv::Vec3w::all(cv::saturate_cast<ushort>(v));
            else f.at<cv::Vec3b>(y, x) = cv::Vec3b::all(cv::saturate_cast<uchar>(v));
        }
    return f;
}

struct VignettingRun {
    std::vector<cv::Mat> frames;
    std::vector<VignettingModel> models;
};

VignettingRun run_vignetting(const std::vector<cv::Mat>& frames, VignettingOptions o = {}, std::filesystem::path plots = {}) {
    MemoryFrameSource source(frames);
    auto v = std::make_unique<Vignetting>(o);
    Vignetting* raw = v.get();
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::move(v));
    FramePipelineOptions po;
    po.plot_path = plots;
    ProcessedFrameSource processed(source, std::move(actions), po);
    VignettingRun r;
    for (int i = 0; i < processed.size(); ++i) r.frames.push_back(processed.frame(i));
    for (int i = 0; i < processed.size(); ++i) r.models.push_back(raw->model(i));
    return r;
}

void expect_recovered(const VignettingModel& m, double i0_scale) {
    EXPECT_NEAR(m.i0, kTruth.i0 * i0_scale, 0.05 * kTruth.i0 * i0_scale);
    EXPECT_NEAR(m.k, kTruth.k, 0.05 * kTruth.k);
    EXPECT_NEAR(m.r0, kTruth.r0, 0.05 * kTruth.r0);
}

// Corner over centre luminosity, 1 for a flat field.
double flatness(const cv::Mat& f) {
    const double scale = f.depth() == CV_16U ? 257.0 : 1.0;
    const cv::Scalar centre = cv::mean(f(cv::Rect(f.cols / 2 - 20, f.rows / 2 - 20, 40, 40))) / scale;
    const cv::Scalar corner = cv::mean(f(cv::Rect(5, 5, 40, 40))) / scale;
    return corner[0] / centre[0];
}

TEST(Vignetting, RecoversTheModelWithinFivePercent8Bit) {
    const VignettingRun r = run_vignetting({vignetted(false), vignetted(false, 0.9)});
    expect_recovered(r.models[0], 1.0);
    expect_recovered(r.models[1], 0.9);  // the reference (the middle one): fitted all the same
    EXPECT_LT(flatness(vignetted(false)), 0.55);
    for (const auto& f : r.frames) EXPECT_NEAR(flatness(f), 1.0, 0.05);
}

TEST(Vignetting, RecoversTheModelWithinFivePercent16Bit) {
    const VignettingRun r = run_vignetting({vignetted(true)});
    expect_recovered(r.models[0], 257.0);
    EXPECT_EQ(r.frames[0].type(), CV_16UC3);
    EXPECT_NEAR(flatness(r.frames[0]), 1.0, 0.05);
}

TEST(Vignetting, ApplyCorrectionFalseOnlyMeasuresAndPlots) {
    test::TempDir dir;
    VignettingOptions o;
    o.apply_correction = false;
    const cv::Mat f = vignetted(false);
    const VignettingRun r = run_vignetting({f}, o, dir.path() / "plots");
    EXPECT_EQ(cv::norm(r.frames[0], f, cv::NORM_INF), 0.0);
    expect_recovered(r.models[0], 1.0);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "plots" / "vignetting-frame_0.png"));
}

TEST(Vignetting, MaxCorrectionLimitsTheGain) {
    VignettingOptions o;
    o.max_correction = 0.2;  // divide by at most 1 / 0.8
    const VignettingRun r = run_vignetting({vignetted(false)}, o);
    const double corner_before = cv::mean(vignetted(false)(cv::Rect(5, 5, 40, 40)))[0];
    const double corner_after = cv::mean(r.frames[0](cv::Rect(5, 5, 40, 40)))[0];
    EXPECT_NEAR(corner_after / corner_before, 1.25, 0.03);
}

TEST(Vignetting, BadOptionsAreUsageErrors) {
    VignettingOptions o;
    o.r_steps = 1;
    EXPECT_THROW(Vignetting{o}, Error);
    o = {};
    o.max_correction = 1.5;
    EXPECT_THROW(Vignetting{o}, Error);
}

}  // namespace
