// SPDX-License-Identifier: GPL-3.0-or-later
// --crop: a stack shifted by known amounts comes out as the rectangle every aligned frame
// covers (result, depth map, retouch layers, bunches, batch), that rectangle of the uncropped
// result exactly; a motionless stack is not cropped at all.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/actions.hpp"
#include "fstack/align_frames.hpp"
#include "fstack/layered_read.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
using fstack::test::fstack_cli;
using fstack::test::TempDir;
namespace fs = std::filesystem;
namespace synth = fstack::synth;

constexpr int kW = 320, kH = 240, kFrames = 5;
// Frame i shows the reference moved by (dx, dy): its pixel (x, y) is the reference's
// (x - dx, y - dy). The middle frame is the reference.
const int kDx[kFrames] = {-6, 3, 0, -2, 9};
const int kDy[kFrames] = {4, -5, 0, 2, -7};
// The rectangle of the reference every frame covers: [max(-dx), W - max(dx)) across, the same down.
const cv::Rect kCovered(6, 7, kW - 6 - 9, kH - 7 - 4);

std::vector<cv::Mat> render(bool moved) {
    synth::SceneOptions o;
    o.width = kW;
    o.height = kH;
    o.frames = kFrames;
    o.seed = 11;
    o.max_coc = 5;
    const synth::Scene scene = synth::make_scene(o);
    std::vector<cv::Mat> frames;
    for (int i = 0; i < kFrames; ++i) {
        cv::Mat f = synth::render_frame(scene, i);
        if (moved && (kDx[i] != 0 || kDy[i] != 0)) {
            const cv::Matx23d shift(1, 0, kDx[i], 0, 1, kDy[i]);
            cv::warpAffine(f, f, shift, f.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
        }
        frames.push_back(f);
    }
    return frames;
}

std::vector<std::string> write_frames(const fs::path& dir, const std::vector<cv::Mat>& frames) {
    fs::create_directories(dir);
    std::vector<std::string> paths;
    for (size_t i = 0; i < frames.size(); ++i) {
        const fs::path p = dir / ("frame_" + std::to_string(i + 1) + ".png");
        EXPECT_TRUE(cv::imwrite(p.string(), frames[i]));
        paths.push_back(p.string());
    }
    return paths;
}

// Each edge of `got` within a pixel of the known covered rectangle.
void expect_near_covered(const cv::Rect& got) {
    EXPECT_NEAR(got.x, kCovered.x, 1) << got;
    EXPECT_NEAR(got.y, kCovered.y, 1) << got;
    EXPECT_NEAR(got.br().x, kCovered.br().x, 1) << got;
    EXPECT_NEAR(got.br().y, kCovered.br().y, 1) << got;
}

// The rectangle of a "cropped to WxH at (X, Y)" line, or an empty one.
cv::Rect said_crop(const std::string& text) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"(cropped to (\d+)x(\d+) at \((\d+), (\d+)\))"))) return {};
    return {std::stoi(m[3]), std::stoi(m[4]), std::stoi(m[1]), std::stoi(m[2])};
}

FramePipeline rigid_pipeline() {
    FramePipeline p;
    AlignFramesOptions o;
    o.alignment_config.transform = AlignTransform::Rigid;
    p.actions.push_back(std::make_unique<AlignFrames>(o));
    return p;
}

TEST(Crop, CoreCropsToTheCoveredRectangleOfTheUncroppedResult) {
    MemoryFrameSource source(render(true));
    PyramidStack full_stacker, crop_stacker;
    const StackResult full = stack(source, rigid_pipeline(), full_stacker);
    StackOptions crop;
    crop.crop = true;
    const StackResult cropped = stack(source, rigid_pipeline(), crop_stacker, crop);
    ASSERT_FALSE(cropped.crop.empty());
    expect_near_covered(cropped.crop);
    EXPECT_EQ(cropped.crop, crop_area(full));
    EXPECT_EQ(cropped.image.size(), cropped.crop.size());
    EXPECT_EQ(cropped.depth_map.size(), cropped.crop.size());
    EXPECT_EQ(cv::norm(cropped.image, full.image(cropped.crop), cv::NORM_INF), 0);
    EXPECT_EQ(cv::norm(cropped.depth_map, full.depth_map(cropped.crop), cv::NORM_INF), 0);
    ASSERT_TRUE(cropped.frames);
    EXPECT_EQ(cropped.frames->frame(0).size(), cropped.crop.size());
    EXPECT_TRUE(full.crop.empty());
}

TEST(Crop, StackCropsResultDepthMapAndRetouchLayers) {
    TempDir tmp;
    const std::vector<std::string> frames = write_frames(tmp.path() / "in", render(true));
    const fs::path out = tmp.path() / "out.png", depth = tmp.path() / "depth.png",
                   layers = tmp.path() / "retouch.psd";
    std::vector<std::string> args = {"stack"};
    args.insert(args.end(), frames.begin(), frames.end());
    args.insert(args.end(), {"-o", out.string(), "--align", "rigid", "--crop", "--depth-map", depth.string(),
                             "--retouch-layers", layers.string()});
    const auto r = fstack_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Rect said = said_crop(r.output);
    ASSERT_FALSE(said.empty()) << r.output;
    expect_near_covered(said);
    EXPECT_EQ(cv::imread(out.string()).size(), said.size());
    EXPECT_EQ(cv::imread(depth.string(), cv::IMREAD_UNCHANGED).size(), said.size());
    const LayeredImage doc = read_layered_file(layers);
    EXPECT_EQ(cv::Size(doc.width, doc.height), said.size());
    for (const ReadLayer& l : doc.layers) EXPECT_EQ(l.pixels.size(), said.size()) << l.name;
}

TEST(Crop, WithoutCropTheFrameSizeIsKept) {
    TempDir tmp;
    const std::vector<std::string> frames = write_frames(tmp.path() / "in", render(true));
    const fs::path out = tmp.path() / "out.png";
    std::vector<std::string> args = {"stack"};
    args.insert(args.end(), frames.begin(), frames.end());
    args.insert(args.end(), {"-o", out.string(), "--align", "rigid"});
    const auto r = fstack_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("cropped"), std::string::npos) << r.output;
    EXPECT_EQ(cv::imread(out.string()).size(), cv::Size(kW, kH));
}

TEST(Crop, MotionlessStackIsNotCropped) {
    TempDir tmp;
    const std::vector<std::string> frames = write_frames(tmp.path() / "in", render(false));
    const fs::path out = tmp.path() / "out.png", plain = tmp.path() / "plain.png";
    std::vector<std::string> args = {"stack"};
    args.insert(args.end(), frames.begin(), frames.end());
    std::vector<std::string> cropped = args, defaults = args;
    cropped.insert(cropped.end(), {"-o", out.string(), "--crop"});
    defaults.insert(defaults.end(), {"-o", plain.string()});
    const auto r = fstack_cli(cropped);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("cropped"), std::string::npos) << r.output;
    ASSERT_EQ(fstack_cli(defaults).exit_code, 0);
    const cv::Mat a = cv::imread(out.string(), cv::IMREAD_UNCHANGED), b = cv::imread(plain.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(a.size(), cv::Size(kW, kH));
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0);
}

TEST(Crop, EveryBunchIsCroppedToTheSameRectangle) {
    TempDir tmp;
    const std::vector<std::string> frames = write_frames(tmp.path() / "in", render(true));
    const fs::path dir = tmp.path() / "bunches";
    std::vector<std::string> args = {"stack"};
    args.insert(args.end(), frames.begin(), frames.end());
    args.insert(args.end(), {"-o", dir.string(), "--bunch", "3", "--overlap", "1", "--align", "rigid", "--crop"});
    const auto r = fstack_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Rect said = said_crop(r.output);
    ASSERT_FALSE(said.empty()) << r.output;
    expect_near_covered(said);
    int images = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        EXPECT_EQ(cv::imread(e.path().string()).size(), said.size()) << e.path();
        ++images;
    }
    EXPECT_EQ(images, 2);
}

TEST(Crop, BatchCropsEveryStack) {
    TempDir tmp;
    write_frames(tmp.path() / "in", render(true));
    const fs::path dir = tmp.path() / "out";
    const auto r = fstack_cli({"batch", (tmp.path() / "in").string(), "-o", dir.string(), "--stack-size",
                               std::to_string(kFrames), "--align", "rigid", "--crop", "--jobs", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Rect said = said_crop(r.output);
    ASSERT_FALSE(said.empty()) << r.output;
    expect_near_covered(said);
    int images = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        EXPECT_EQ(cv::imread(e.path().string()).size(), said.size()) << e.path();
        ++images;
    }
    EXPECT_EQ(images, 1);
}

}  // namespace
