// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI of issue 4: `fstack stack --retouch-layers` and `fstack layers`, run as a user would,
// read back with core's layered readers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/layered_read.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace fstack;
using fstack::test::TempDir;

fstack::test::CommandResult cli(const std::string& args) {
    return fstack::test::run_command(fstack::test::cli_path() + " " + args);
}

// 5 synthetic frames, 16-bit TIFF, in dir/frames.
fs::path write_frames(const TempDir& dir) {
    synth::SceneOptions o;
    o.width = 160;
    o.height = 120;
    o.frames = 5;
    o.seed = 3;
    o.sixteen_bit = true;
    const synth::Scene scene = synth::make_scene(o);
    const fs::path frames = dir / "frames";
    fs::create_directories(frames);
    for (int i = 0; i < o.frames; ++i)
        write_image(frames / ("f_" + std::to_string(i + 1) + ".tif"), synth::render_frame(scene, i));
    return frames;
}

TEST(LayersCli, RetouchLayersPsdHasResultFramesAndDepthMap) {
    TempDir dir;
    const fs::path frames = write_frames(dir);
    const auto r = cli("stack -q '" + frames.string() + "' -o '" + (dir / "out.tif").string() +
                       "' --retouch-layers '" + (dir / "r.psd").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const LayeredImage doc = read_layered_file(dir / "r.psd");
    ASSERT_EQ(doc.layers.size(), 7u);
    EXPECT_EQ(doc.layers[0].name, "Depth map");
    EXPECT_FALSE(doc.layers[0].visible);
    EXPECT_EQ(doc.layers[1].name, "f_1.tif");
    EXPECT_FALSE(doc.layers[1].mask.empty());
    EXPECT_EQ(doc.layers[6].name, "Focus stack");
    const cv::Mat result = read_image(dir / "out.tif");
    EXPECT_EQ(result.depth(), CV_16U);
    EXPECT_EQ(cv::norm(doc.layers[6].pixels, result, cv::NORM_INF), 0);
    // Every pixel is white in exactly one frame's mask.
    cv::Mat sum(result.size(), CV_32S, cv::Scalar(0));
    for (int i = 1; i <= 5; ++i) {
        cv::Mat m;
        doc.layers[size_t(i)].mask.convertTo(m, CV_32S, 1.0 / 65535);
        sum += m;
    }
    EXPECT_EQ(cv::countNonZero(sum != 1), 0);
}

TEST(LayersCli, RetouchLayersOraSaysMasksBecomeAlpha) {
    TempDir dir;
    const fs::path frames = write_frames(dir);
    const auto r = cli("stack '" + frames.string() + "' -o '" + (dir / "out.png").string() +
                       "' --retouch-layers '" + (dir / "r.ora").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("no layer masks"), std::string::npos) << r.output;
    EXPECT_EQ(read_layered_file(dir / "r.ora").layers.size(), 7u);
}

TEST(LayersCli, BadRetouchFileIsAUsageErrorBeforeAnyWork) {
    TempDir dir;
    const fs::path frames = write_frames(dir);
    const auto r = cli("stack '" + frames.string() + "' -o '" + (dir / "out.tif").string() +
                       "' --retouch-layers '" + (dir / "r.jpg").string() + "'");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_FALSE(fs::exists(dir / "out.tif"));
}

TEST(LayersCli, LayersCommandFirstInputOnTopAndFormatOverride) {
    TempDir dir;
    const fs::path frames = write_frames(dir);
    ASSERT_EQ(cli("stack -q '" + frames.string() + "' -o '" + (dir / "out.tif").string() + "'").exit_code, 0);
    const fs::path out = dir / "l.tif";
    auto r = cli("layers -q '" + (dir / "out.tif").string() + "' '" + frames.string() + "' -o '" + out.string() +
                 "' --format pstif");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const LayeredImage doc = read_layered_file(out);
    ASSERT_EQ(doc.layers.size(), 6u);
    EXPECT_EQ(doc.layers.back().name, "out");
    EXPECT_EQ(doc.layers.front().name, "f_5");
    EXPECT_FALSE(doc.composite.empty());  // a Photoshop TIFF, not pages
    // Again without --overwrite: refused, file untouched.
    const std::string before = fstack::test::file_bytes(out);
    r = cli("layers -q '" + frames.string() + "' -o '" + out.string() + "'");
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_EQ(fstack::test::file_bytes(out), before);
    // A layered file as input: PSD -> ORA keeps the layers.
    ASSERT_EQ(cli("layers -q '" + out.string() + "' -o '" + (dir / "c.psd").string() + "'").exit_code, 0);
    EXPECT_EQ(read_layered_file(dir / "c.psd").layers.size(), 6u);
}

}  // namespace
