// SPDX-License-Identifier: GPL-3.0-or-later
// A rig's alignment, once (issue 16): `fstack stack --save-alignment` writes the transforms the
// alignment found, `--alignment FILE` applies them to another stack of the same rig, and `fstack
// batch --alignment-from K` estimates them on the first K stacks and reuses the median for all.
// The rig is synthetic: stacks of different scenes seen through one set of per-frame motions
// (breathing, shift, rotation), so every stack's ground truth is its sharp reference frame.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "fstack/error.hpp"
#include "fstack/rig_alignment.hpp"
#include "synthetic/warped.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::test::TempDir;
using fstack::test::run_command;

constexpr int kFrames = 7;
constexpr int kMargin = 40;  // the borders a warp fills from the frames' edges are not scored

fstack::synth::WarpedStackOptions rig_options(unsigned scene) {
    fstack::synth::WarpedStackOptions o;
    o.width = 480;
    o.height = 360;
    o.frames = kFrames;
    o.seed = scene;
    o.breathing = 0.02;
    o.max_shift = 12;
    o.max_rotation_deg = 0.5;
    o.max_gain = 0.03;
    return o;
}

// The rig's motions: one draw, shared by every stack.
std::vector<fstack::synth::FrameMotion> rig_motions() { return fstack::synth::draw_motions(rig_options(7)); }

// Stack `scene` of the rig as PNG frames `prefix`1.png ... in `dir`; returns its ground truth
// (the reference frame rendered sharp and noiseless).
cv::Mat write_stack(const fs::path& dir, unsigned scene, const std::string& prefix, int first_number) {
    const auto motions = rig_motions();
    const fstack::synth::WarpedStack stack(rig_options(scene), motions);
    fs::create_directories(dir);
    for (int i = 0; i < stack.size(); ++i) {
        const fs::path p = dir / (prefix + std::to_string(first_number + i) + ".png");
        EXPECT_TRUE(cv::imwrite(p.string(), stack.render(i)));
    }
    auto sharp = rig_options(scene);
    sharp.max_blur = 0;
    sharp.noise = 0;
    // The same motions (the texture covers what they see); the reference's is the identity.
    return fstack::synth::WarpedStack(sharp, motions).render(stack.reference());
}

double interior_psnr(const fs::path& result, const cv::Mat& truth) {
    const cv::Mat r = cv::imread(result.string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(r.size(), truth.size()) << result;
    if (r.size() != truth.size()) return 0;
    const cv::Rect inner(kMargin, kMargin, truth.cols - 2 * kMargin, truth.rows - 2 * kMargin);
    return cv::PSNR(r(inner), truth(inner));
}

TEST(RigAlignment, SavedTransformsMatchTheRigAndReuseGivesTheSameResult) {
    TempDir dir;
    const cv::Mat truth_a = write_stack(dir / "a", 11, "f", 1);
    const cv::Mat truth_b = write_stack(dir / "b", 12, "f", 1);
    const std::string cli = fstack::test::cli_path();
    const fs::path json = dir / "rig.json";
    auto r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "a.png").string() +
                         " --save-alignment " + json.string() + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("wrote alignment " + json.string() + " (7 frames)"), std::string::npos) << r.output;

    // The file holds the rig's motions: every frame's corners within a third of a pixel.
    const fstack::RigAlignment rig = fstack::read_rig_alignment(json);
    ASSERT_EQ(rig.to_reference.size(), size_t(kFrames));
    EXPECT_EQ(rig.frame_size, cv::Size(480, 360));
    EXPECT_EQ(rig.reference_index, kFrames / 2);
    const auto motions = rig_motions();
    for (int i = 0; i < kFrames; ++i)
        EXPECT_LT(fstack::synth::corner_error(rig.to_reference[size_t(i)],
                                              fstack::synth::to_reference(motions[size_t(i)], rig.frame_size),
                                              rig.frame_size),
                  0.35)
            << "frame " << i;

    // Stack b aligned afresh and with a's alignment: the same quality against b's ground truth.
    r = run_command(cli + " stack " + (dir / "b").string() + " -o " + (dir / "b_own.png").string() + " -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = run_command(cli + " stack " + (dir / "b").string() + " -o " + (dir / "b_rig.png").string() + " --alignment " +
                    json.string() + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("reused alignment: registration error"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
    const double own = interior_psnr(dir / "b_own.png", truth_b), reused = interior_psnr(dir / "b_rig.png", truth_b);
    EXPECT_GT(own, 28.0);
    std::printf("stack b: own alignment %.3f dB, stack a's %.3f dB\n", own, reused);
    EXPECT_GT(reused, own - 0.1) << "own alignment " << own << " dB, reused " << reused << " dB";
    // The stack it was saved from, through its own file: bit-identical to its first run.
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "a_again.png").string() +
                    " --alignment " + json.string() + " -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Mat first = cv::imread((dir / "a.png").string(), cv::IMREAD_UNCHANGED);
    const cv::Mat again = cv::imread((dir / "a_again.png").string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(cv::norm(first, again, cv::NORM_INF), 0);
    EXPECT_GT(interior_psnr(dir / "a.png", truth_a), 28.0);
}

TEST(RigAlignment, BatchAlignmentFromFirstStacksMatchesAligningEach) {
    TempDir dir;
    const fs::path scans = dir / "scans";
    std::vector<cv::Mat> truths;
    for (int s = 0; s < 5; ++s) truths.push_back(write_stack(scans, 30 + unsigned(s), "scan_", s * kFrames + 1));
    const std::string cli = fstack::test::cli_path();
    auto r = run_command(cli + " batch " + scans.string() + " -o " + (dir / "each").string() +
                         " --stack-size 7 --format png -q 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = run_command(cli + " batch " + scans.string() + " -o " + (dir / "rig").string() +
                    " --stack-size 7 --format png --alignment-from 3 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("alignment estimated on the first 3 stack(s)"), std::string::npos) << r.output;
    for (int s = 0; s < 5; ++s) {
        const std::string name = "scan_" + std::to_string(s * kFrames + 1) + ".png";
        const double each = interior_psnr(dir / "each" / name, truths[size_t(s)]);
        const double rig = interior_psnr(dir / "rig" / name, truths[size_t(s)]);
        EXPECT_GT(each, 28.0) << name;
        std::printf("%s: aligned alone %.3f dB, rig's alignment %.3f dB\n", name.c_str(), each, rig);
        EXPECT_GT(rig, each - 0.1) << name << ": aligned alone " << each << " dB, with the rig's alignment " << rig;
    }
}

TEST(RigAlignment, MisfitsAndMisuseAreRefusedByName) {
    TempDir dir;
    write_stack(dir / "a", 11, "f", 1);
    const std::string cli = fstack::test::cli_path();
    const fs::path json = dir / "rig.json";
    ASSERT_EQ(run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "a.png").string() +
                          " --save-alignment " + json.string() + " -q")
                  .exit_code,
              0);
    // Another rig: 5 frames.
    fs::create_directories(dir / "five");
    for (int i = 1; i <= 5; ++i) fs::copy_file(dir / "a" / ("f" + std::to_string(i) + ".png"), dir / "five" / ("f" + std::to_string(i) + ".png"));
    auto r = run_command(cli + " stack " + (dir / "five").string() + " -o " + (dir / "five.png").string() +
                         " --alignment " + json.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(json.string()), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("this alignment is for 7 frames of 480x360; the stack has 5 frames of 480x360"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(dir / "five.png"));

    // Not an alignment file.
    const fs::path junk = dir / "junk.json";
    std::ofstream(junk) << "{\"format\": \"something else\"}";
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "x.png").string() + " --alignment " +
                    junk.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(junk.string()), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("not an fstack alignment file"), std::string::npos) << r.output;
    std::ofstream(junk) << "{\"format\": \"fstack-alignment\", \"version\": 1, ";
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "x.png").string() + " --alignment " +
                    junk.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("not a valid JSON file"), std::string::npos) << r.output;

    // Usage: no alignment to apply or save with --align none; an existing file is not replaced.
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "x.png").string() +
                    " --align none --alignment " + json.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "x.png").string() +
                    " --align none --save-alignment " + (dir / "new.json").string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    const auto before = fs::last_write_time(json);
    r = run_command(cli + " stack " + (dir / "a").string() + " -o " + (dir / "x.png").string() +
                    " --save-alignment " + json.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_NE(r.output.find("already exists"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "x.png")) << "refused before any work";
    EXPECT_EQ(fs::last_write_time(json), before);
    r = run_command(cli + " batch " + (dir / "a").string() + " -o " + (dir / "out").string() +
                    " --stack-size 7 --alignment-from 1 --alignment " + json.string() + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(RigAlignment, MedianIsPerFrameAndRefusesStacksOfAnotherShape) {
    fstack::RigAlignment a, b, c;
    for (fstack::RigAlignment* x : {&a, &b, &c}) {
        x->frame_size = {100, 80};
        x->reference_index = 1;
        x->to_reference.assign(3, cv::Matx33d::eye());
        x->gains.assign(3, {});
    }
    a.to_reference[0](0, 2) = 1.0, b.to_reference[0](0, 2) = 5.0, c.to_reference[0](0, 2) = 2.0;
    a.gains[2] = {1.1}, b.gains[2] = {0.9}, c.gains[2] = {1.0};
    const fstack::RigAlignment m = fstack::median_alignment({a, b, c});
    EXPECT_DOUBLE_EQ(m.to_reference[0](0, 2), 2.0);
    EXPECT_EQ(m.to_reference[1], cv::Matx33d::eye());
    ASSERT_EQ(m.gains[2].size(), 1u);
    EXPECT_DOUBLE_EQ(m.gains[2][0], 1.0);
    EXPECT_EQ(m.stacks, 3);
    c.to_reference.resize(2);
    EXPECT_THROW(fstack::median_alignment({a, b, c}), fstack::Error);
    // Rebased onto frame 0: frame 0 becomes the identity, frame 1 its inverse.
    const fstack::RigAlignment r = fstack::rebased(a, 0);
    EXPECT_NEAR(cv::norm(r.to_reference[0] - cv::Matx33d::eye()), 0, 1e-12);
    EXPECT_NEAR(r.to_reference[1](0, 2), -1.0, 1e-12);
}

}  // namespace
