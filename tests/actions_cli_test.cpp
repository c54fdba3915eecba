// SPDX-License-Identifier: GPL-3.0-or-later
// The frame actions on the command line: `fstack stack --align/--balance/--vignetting/
// --noise-mask`, `fstack noise-map`, and `fstack run` on the shipped seed example.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;
using test::TempDir;

// A 6-frame stack, frames shifted and scaled away from the reference (frame 3).
synth::Scene write_misaligned(const fs::path& dir) {
    fs::create_directories(dir);
    synth::SceneOptions o;
    o.width = 640;
    o.height = 480;
    o.frames = 6;
    o.seed = 8;
    const synth::Scene scene = synth::make_scene(o);
    for (int i = 0; i < o.frames; ++i) {
        const double t = i - 3, s = 1 + 0.003 * t;
        cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, 320 * (1 - s) + 2.5 * t, 0, s, 240 * (1 - s) - 1.5 * t);
        cv::Mat f = synth::render_frame(scene, i), w;
        if (i == 3) w = f;
        else cv::warpAffine(f, w, m, f.size(), cv::INTER_LANCZOS4, cv::BORDER_REFLECT);
        write_image(dir / ("frame_" + std::to_string(i) + ".png"), w);
    }
    return scene;
}

std::string cli() { return test::cli_path(); }

TEST(StackActions, AlignImprovesAMisalignedStack) {
    TempDir dir;
    const synth::Scene scene = write_misaligned(dir / "frames");
    const auto plain = test::run_command(cli() + " stack " + (dir / "frames").string() + " -o " + (dir / "plain.png").string() + " --align none --balance none -q");
    ASSERT_EQ(plain.exit_code, 0) << plain.output;
    for (const char* mode : {"rigid", "homography"}) {
        const fs::path out = dir / (std::string(mode) + ".png");
        const auto r = test::run_command(cli() + " stack " + (dir / "frames").string() + " -o " + out.string() +
                                         " --align " + mode + " --balance lumi --vignetting -q");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const double aligned = synth::psnr(scene.ground_truth, read_image(out), 0.05);
        const double unaligned = synth::psnr(scene.ground_truth, read_image(dir / "plain.png"), 0.05);
        EXPECT_GT(aligned, unaligned + 3) << mode;
    }
}

// Frames of a motionless stack, each times its gain (1: as rendered).
synth::Scene write_lit(const fs::path& dir, const std::vector<double>& gains) {
    fs::create_directories(dir);
    synth::SceneOptions o;
    o.width = 480;
    o.height = 360;
    o.frames = int(gains.size());
    o.seed = 9;
    const synth::Scene scene = synth::make_scene(o);
    for (int i = 0; i < o.frames; ++i) {
        cv::Mat f = synth::render_frame(scene, i), g;
        f.convertTo(g, f.type(), gains[size_t(i)]);
        write_image(dir / ("frame_" + std::to_string(i) + ".png"), g);
    }
    return scene;
}

TEST(StackActions, BalanceAutoDefaultLeavesEvenLightAndCorrectsJitter) {
    TempDir dir;
    write_lit(dir / "even", std::vector<double>(6, 1.0));
    const std::string even = (dir / "even").string();
    const auto a = test::run_command(cli() + " stack " + even + " -o " + (dir / "default.png").string() + " -q");
    const auto b = test::run_command(cli() + " stack " + even + " -o " + (dir / "none.png").string() + " --balance none -q");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    ASSERT_EQ(b.exit_code, 0) << b.output;
    EXPECT_EQ(test::file_bytes(dir / "default.png"), test::file_bytes(dir / "none.png"));

    const synth::Scene scene = write_lit(dir / "jitter", {1.07, 0.94, 1.05, 1.0, 0.92, 1.06});
    const std::string jitter = (dir / "jitter").string();
    const auto c = test::run_command(cli() + " stack " + jitter + " -o " + (dir / "j-default.png").string() + " -q");
    const auto d = test::run_command(cli() + " stack " + jitter + " -o " + (dir / "j-none.png").string() + " --balance none -q");
    ASSERT_EQ(c.exit_code, 0) << c.output;
    ASSERT_EQ(d.exit_code, 0) << d.output;
    const double balanced = synth::psnr(scene.ground_truth, read_image(dir / "j-default.png"));
    const double unbalanced = synth::psnr(scene.ground_truth, read_image(dir / "j-none.png"));
    test::report("psnr_balance_auto", balanced);
    test::report("psnr_balance_none", unbalanced);
    EXPECT_GT(balanced, unbalanced + 1);
}

TEST(StackActions, BunchesShareOneAlignmentAndPlotsAreWritten) {
    TempDir dir;
    write_misaligned(dir / "frames");
    const auto r = test::run_command(cli() + " stack " + (dir / "frames").string() + " -o " + (dir / "out").string() +
                                     " --bunch 3 --overlap 1 --align rigid --balance rgb --plots " +
                                     (dir / "plots").string() + " -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir / "out/frame_0.png"));
    EXPECT_TRUE(fs::exists(dir / "plots/align-matches-frame_0.png"));
    EXPECT_TRUE(fs::exists(dir / "plots/balance-frame_0.png"));
}

TEST(StackActions, NoiseMapThenNoiseMask) {
    TempDir dir;
    write_misaligned(dir / "frames");
    const auto map = test::run_command(cli() + " noise-map " + (dir / "frames").string() + " -o " + (dir / "nm").string() + " -q");
    ASSERT_EQ(map.exit_code, 0) << map.output;
    for (const char* f : {"hot-rgb.png", "hot-r.png", "hot-g.png", "hot-b.png"}) EXPECT_TRUE(fs::exists(dir / "nm" / f));
    const auto r = test::run_command(cli() + " stack " + (dir / "frames").string() + " -o " + (dir / "out.png").string() +
                                     " --noise-mask " + (dir / "nm/hot-rgb.png").string() + " -q");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto bad = test::run_command(cli() + " stack " + (dir / "frames").string() + " -o " + (dir / "x.png").string() + " --align sideways");
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

TEST(RunCommand, SeedExampleRunsAndWritesPlots) {
    TempDir dir;
    // The example names its stack relative to itself: rebuild that layout in the temp folder.
    fs::create_directories(dir / "examples");
    fs::create_directories(dir / "tests/data/stacks");
    fs::copy(fs::path(FSTACK_TEST_DATA).parent_path().parent_path() / "examples/seed-example.toml", dir / "examples");
    fs::copy(test::test_data() / "stacks/pcb_usb_petteri", dir / "tests/data/stacks/pcb_usb_petteri");
    const auto check = test::run_command(cli() + " run --check " + (dir / "examples/seed-example.toml").string());
    ASSERT_EQ(check.exit_code, 0) << check.output;
    const auto r = test::run_command(cli() + " run -q " + (dir / "examples/seed-example.toml").string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir / "examples/noise-map/hot-rgb.png"));
    EXPECT_TRUE(fs::exists(dir / "examples/align/pcb_004.jpg"));
    EXPECT_TRUE(fs::exists(dir / "examples/stack/pcb_001_py.jpg"));
    EXPECT_TRUE(fs::exists(dir / "examples/stack/pcb_001_dm.jpg"));
    EXPECT_TRUE(fs::exists(dir / "examples/plots/vignetting-pcb_001.png"));
    EXPECT_TRUE(fs::exists(dir / "examples/plots/align-matches-pcb_001.png"));
    EXPECT_TRUE(fs::exists(dir / "examples/plots/hot-pixels.png"));
}

TEST(RunCommand, JobFileErrorsExitWithUsage) {
    TempDir dir;
    std::ofstream(dir / "bad.toml") << "[job]\nname = 3\n";
    const auto r = test::run_command(cli() + " run " + (dir / "bad.toml").string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("line 2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("job.name"), std::string::npos) << r.output;
}

}  // namespace
