// SPDX-License-Identifier: GPL-3.0-or-later
// BalanceFrames AUTO: known per-frame gains (one, and per channel) recovered to 0.3% through
// different defocus and noise; evenly lit stacks bit-identical to no balance (8 and 16 bit);
// a bright border fill outside the shared area ignored; native and float replay agree.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/balance_frames.hpp"
#include "fstack/frame_pipeline.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace synth = fstack::synth;

// Frames focused from near to far: neighbours differ in defocus everywhere.
std::vector<cv::Mat> defocused_stack(bool sixteen_bit, int frames, double max_coc, unsigned seed = 3) {
    synth::SceneOptions o;
    o.width = 400;
    o.height = 300;
    o.frames = frames;
    o.seed = seed;
    o.max_coc = max_coc;
    o.noise = 1.5;
    o.sixteen_bit = sixteen_bit;
    return synth::render_all(synth::make_scene(o));
}

cv::Mat gained(const cv::Mat& f, cv::Scalar gain) {
    cv::Mat g, out;
    f.convertTo(g, CV_32F);
    cv::multiply(g, gain, g);
    g.convertTo(out, f.depth());
    return out;
}

// Moves a frame by (dx, dy) with a bright fill where it has no pixels, and says so in the
// geometry, as AlignFrames would for a frame it warped.
class KnownShift : public FrameAction {
public:
    explicit KnownShift(std::vector<cv::Point2d> shifts) : shifts_(std::move(shifts)) {}
    std::string name() const override { return "KnownShift"; }
    cv::Mat begin(const cv::Mat& f, const FrameActionContext& c) override {
        context_ = c;
        return replay(f, c.reference_index);
    }
    cv::Mat process(const cv::Mat& f, int index, int) override { return replay(f, index); }
    cv::Mat replay(const cv::Mat& f, int index) override {
        const cv::Point2d s = shifts_.at(size_t(index));
        context_.geometry->to_reference.at(size_t(index)) = cv::Matx33d(1, 0, s.x, 0, 1, s.y, 0, 0, 1);
        cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, s.x, 0, 1, s.y), out;
        cv::warpAffine(f, out, m, f.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0.9 * context_.max_value));
        return out;
    }
    std::unique_ptr<FrameAction> clone() const override { return std::make_unique<KnownShift>(shifts_); }

private:
    std::vector<cv::Point2d> shifts_;
    FrameActionContext context_;
};

struct Balanced {
    std::vector<cv::Mat> frames;
    std::vector<BalanceFrames::Correction> corrections;
};

Balanced balance_auto(const std::vector<cv::Mat>& frames, std::unique_ptr<FrameAction> before = nullptr) {
    MemoryFrameSource source(frames);
    std::vector<std::unique_ptr<FrameAction>> actions;
    if (before) actions.push_back(std::move(before));
    BalanceFramesOptions o;
    o.channel = BalanceChannel::Auto;
    auto balance = std::make_unique<BalanceFrames>(o);
    BalanceFrames* b = balance.get();
    actions.push_back(std::move(balance));
    ProcessedFrameSource processed(source, std::move(actions));
    Balanced out;
    for (int i = 0; i < processed.size(); ++i) out.frames.push_back(processed.frame(i));
    for (int i = 0; i < processed.size(); ++i) out.corrections.push_back(b->correction(i));
    return out;
}

// The recovered gain times the one put in is 1 within `tolerance`, every frame and channel.
void expect_gains(const Balanced& b, const std::vector<cv::Scalar>& put_in, double tolerance) {
    double worst = 0;
    for (size_t i = 0; i < put_in.size(); ++i) {
        const auto& c = b.corrections[i];
        for (size_t ch = 0; ch < c.value.size(); ++ch) {
            const double err = c.value[ch] * put_in[i][int(ch)] - 1;
            worst = std::max(worst, std::abs(err));
            EXPECT_NEAR(err, 0, tolerance) << "frame " << i << " channel " << ch;
            EXPECT_EQ(c.applied[ch], std::abs(put_in[i][int(ch)] - 1) > 0.006) << "frame " << i << " channel " << ch;
        }
    }
    test::report("worst_gain_error", worst);
}

// Mean of the pixels that no frame clipped, per channel.
cv::Scalar unclipped_mean(const cv::Mat& f, const cv::Mat& mask) { return cv::mean(f, mask); }

cv::Mat unclipped(const std::vector<cv::Mat>& frames) {
    const double max = frames[0].depth() == CV_16U ? 65535 : 255;
    cv::Mat ok(frames[0].size(), CV_8U, cv::Scalar(255));
    for (const cv::Mat& f : frames) {
        cv::Mat lo, hi;
        cv::inRange(f, cv::Scalar::all(0.01 * max), cv::Scalar::all(0.99 * max), lo);
        ok &= lo;
    }
    return ok;
}

void known_gains_recovered(bool sixteen_bit, const std::vector<cv::Scalar>& gains) {
    const auto clean = defocused_stack(sixteen_bit, int(gains.size()), 8);
    std::vector<cv::Mat> frames;
    for (size_t i = 0; i < clean.size(); ++i) frames.push_back(gained(clean[i], gains[i]));
    const Balanced b = balance_auto(frames);
    expect_gains(b, gains, 0.003);
    // The balanced frames match the frames as rendered (where nothing clipped).
    std::vector<cv::Mat> all = frames;
    all.insert(all.end(), clean.begin(), clean.end());
    const cv::Mat mask = unclipped(all);
    for (size_t i = 0; i < clean.size(); ++i) {
        const cv::Scalar want = unclipped_mean(clean[i], mask), got = unclipped_mean(b.frames[i], mask);
        for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(got[ch] / want[ch], 1, 0.004) << "frame " << i << " channel " << ch;
        EXPECT_EQ(b.frames[i].depth(), clean[i].depth());
    }
}

const std::vector<cv::Scalar> kGains = {cv::Scalar::all(1.08), cv::Scalar::all(0.93), cv::Scalar::all(1.1),
                                        cv::Scalar::all(1.0), cv::Scalar::all(0.9), cv::Scalar::all(1.05),
                                        cv::Scalar::all(0.96)};

TEST(BalanceAuto, KnownGainsRecoveredThroughDefocus8Bit) { known_gains_recovered(false, kGains); }
TEST(BalanceAuto, KnownGainsRecoveredThroughDefocus16Bit) { known_gains_recovered(true, kGains); }

TEST(BalanceAuto, PerChannelGainsRecovered) {
    known_gains_recovered(false, {cv::Scalar(1.06, 1.0, 0.95), cv::Scalar(1.0, 1.04, 1.04), cv::Scalar::all(1.0),
                                  cv::Scalar(0.92, 0.97, 1.02), cv::Scalar::all(1.07)});
}

void evenly_lit_untouched(bool sixteen_bit, int frames, double max_coc, unsigned seed) {
    const auto stack = defocused_stack(sixteen_bit, frames, max_coc, seed);
    const Balanced b = balance_auto(stack);
    double worst = 0;
    for (size_t i = 0; i < stack.size(); ++i) {
        for (size_t ch = 0; ch < b.corrections[i].value.size(); ++ch) {
            worst = std::max(worst, double(std::abs(b.corrections[i].value[ch] - 1)));
            EXPECT_FALSE(b.corrections[i].applied[ch]) << "frame " << i << " gain " << b.corrections[i].value[ch];
        }
        EXPECT_EQ(cv::norm(b.frames[i], stack[i], cv::NORM_INF), 0.0) << "frame " << i;
    }
    test::report("worst_gain_deviation", worst);
}

TEST(BalanceAuto, EvenLightStaysBitIdentical8Bit) {
    evenly_lit_untouched(false, 9, 10, 5);
    evenly_lit_untouched(false, 12, 24, 6);  // strong defocus
    evenly_lit_untouched(false, 30, 24, 10);  // a long chain must not drift
}

TEST(BalanceAuto, EvenLightStaysBitIdentical16Bit) {
    evenly_lit_untouched(true, 9, 10, 7);
    evenly_lit_untouched(true, 12, 24, 8);
}

TEST(BalanceAuto, BrightBorderOutsideTheSharedAreaIgnored) {
    const std::vector<cv::Scalar> gains = {cv::Scalar::all(1.06), cv::Scalar::all(0.95), cv::Scalar::all(1.0),
                                           cv::Scalar::all(1.08), cv::Scalar::all(0.94)};
    const std::vector<cv::Point2d> shifts = {{-24, 10}, {12, -18}, {0, 0}, {20, 16}, {-8, -26}};
    // The camera moved by -shift: the frames hold the scene shifted, with new content at the edge.
    const auto rendered = defocused_stack(false, int(gains.size()), 10);
    std::vector<cv::Mat> clean, frames;
    for (size_t i = 0; i < rendered.size(); ++i) {
        cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, -shifts[i].x, 0, 1, -shifts[i].y), moved;
        cv::warpAffine(rendered[i], moved, m, rendered[i].size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
        clean.push_back(moved);
        frames.push_back(gained(moved, gains[i]));
    }
    expect_gains(balance_auto(frames, std::make_unique<KnownShift>(shifts)), gains, 0.003);
    // Evenly lit and shifted: untouched (the fill is not brightness).
    const Balanced even = balance_auto(clean, std::make_unique<KnownShift>(shifts));
    for (const auto& c : even.corrections)
        for (bool a : c.applied) EXPECT_FALSE(a);
}

// replay() on 8- and 16-bit frames gives what the float path gives after its conversion; the
// analysis on half-size copies (geometry in full-frame units) finds the same gains.
TEST(BalanceAuto, NativeReplayAndReducedAnalysisAgree) {
    for (bool sixteen : {false, true}) {
        const auto clean = defocused_stack(sixteen, 3, 10);
        const std::vector<cv::Scalar> gains = {cv::Scalar(1.05, 1.0, 0.97), cv::Scalar::all(1), cv::Scalar::all(0.92)};
        std::vector<cv::Mat> frames;
        for (size_t i = 0; i < clean.size(); ++i) frames.push_back(gained(clean[i], gains[i]));
        BalanceFramesOptions o;
        o.channel = BalanceChannel::Auto;
        std::vector<std::vector<float>> found;
        for (double scale : {1.0, 0.5}) {
            BalanceFrames b(o);
            EXPECT_TRUE(b.replays_native());
            EXPECT_TRUE(b.analyses_reduced());
            FrameActionContext c;
            c.frame_count = 3;
            c.reference_index = 1;
            c.max_value = max_code_value(frames[0].depth());
            c.analysis_scale = scale;
            c.geometry = std::make_shared<FrameGeometry>();
            c.geometry->frame_size = frames[0].size();
            c.geometry->to_reference.assign(3, cv::Matx33d::eye());
            c.geometry->aligned.assign(3, false);
            const auto reduced = [&](int i) {
                cv::Mat f = to_action_float(frames[size_t(i)]), r;
                if (scale == 1.0) return f;
                cv::resize(f, r, {}, scale, scale, cv::INTER_AREA);
                return r;
            };
            b.begin(reduced(1), c);
            b.process(reduced(2), 2, 1);
            b.process(reduced(0), 0, 1);
            for (int i : {0, 2}) {
                const cv::Mat native = b.replay(frames[size_t(i)], i);
                const cv::Mat via_float = from_action_float(b.replay(to_action_float(frames[size_t(i)]), i), frames[0].depth());
                EXPECT_EQ(native.type(), frames[0].type());
                EXPECT_EQ(cv::norm(native, via_float, cv::NORM_INF), 0.0) << "frame " << i;
            }
            found.push_back(b.correction(0).value);
            found.back().insert(found.back().end(), b.correction(2).value.begin(), b.correction(2).value.end());
        }
        // Half-size copies reduced in code values average a sharp frame's texture darker (in
        // linear light) than a blurred one's: measured 0.2% here.
        for (size_t k = 0; k < found[0].size(); ++k) EXPECT_NEAR(found[1][k], found[0][k], 0.003) << k;
    }
}

// BGRA: the gain from the colour channels, alpha passed through untouched.
TEST(BalanceAuto, AlphaUntouched) {
    const auto clean = defocused_stack(false, 3, 8);
    std::vector<cv::Mat> frames;
    cv::Mat alpha(clean[0].size(), CV_8U, cv::Scalar(255));
    alpha(cv::Rect(0, 0, 40, 30)).setTo(0);
    for (size_t i = 0; i < clean.size(); ++i) {
        cv::Mat bgra(clean[i].size(), CV_8UC4), g = gained(clean[i], cv::Scalar::all(i == 0 ? 1.06 : 1.0));
        cv::Mat from[] = {g, alpha};
        int pairs[] = {0, 0, 1, 1, 2, 2, 3, 3};
        cv::mixChannels(from, 2, &bgra, 1, pairs, 4);
        frames.push_back(bgra);
    }
    const Balanced b = balance_auto(frames);
    EXPECT_NEAR(b.corrections[0].value[0] * 1.06, 1, 0.003);
    cv::Mat a;
    cv::extractChannel(b.frames[0], a, 3);
    EXPECT_EQ(cv::norm(a, alpha, cv::NORM_INF), 0.0);
    EXPECT_EQ(cv::norm(b.frames[1], frames[1], cv::NORM_INF), 0.0);
}

}  // namespace
