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
    EXPECT_EQ(doc.layers[1].name, "Focus stack");
    const cv::Mat result = read_image(dir / "out.tif");
    EXPECT_EQ(result.depth(), CV_16U);
    EXPECT_EQ(cv::norm(doc.layers[1].pixels, result, cv::NORM_INF), 0);
    // The frames above the result, the nearest focus (f_1) on top, under all-black masks: the
    // file opens showing the result, and painting a mask white brushes that frame onto it.
    for (int k = 1; k <= 5; ++k) {
        const ReadLayer& l = doc.layers[size_t(7 - k)];
        EXPECT_EQ(l.name, "frame " + std::to_string(k) + " of 5: f_" + std::to_string(k) + ".tif");
        EXPECT_TRUE(l.visible);
        ASSERT_FALSE(l.mask.empty()) << l.name;
        EXPECT_EQ(cv::countNonZero(l.mask), 0) << l.name;
        EXPECT_EQ(cv::norm(l.pixels, read_image(frames / ("f_" + std::to_string(k) + ".tif")), cv::NORM_INF), 0)
            << l.name << ": the frames do not move, so the layer is the frame";
    }
    EXPECT_EQ(cv::norm(doc.composite, result, cv::NORM_INF), 0);
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
