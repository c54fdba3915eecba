// SPDX-License-Identifier: GPL-3.0-or-later
// NoiseDetection finds the hot pixels planted in synthetic dark frames, on 8- and 16-bit; the
// maps are written under the seed's names; MaskNoise (mean and median) removes the pixels.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fstack/actions.hpp"
#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/mask_noise.hpp"
#include "fstack/noise_detection.hpp"
#include "fstack/stack_frames.hpp"
#include "test_util.hpp"

namespace {

using namespace fstack;
namespace fs = std::filesystem;

struct Planted {
    cv::Point where;
    int channel;  // BGR plane
};

std::vector<Planted> planted() {
    std::vector<Planted> p;
    cv::RNG rng(9);
    for (int i = 0; i < 25; ++i) p.push_back({{rng.uniform(3, 317), rng.uniform(3, 237)}, i % 3});
    return p;
}

// Dark frames (level 12, noise 1.5 in 8-bit units) with the same hot pixels in each.
std::vector<cv::Mat> dark_frames(bool sixteen_bit, int n = 4) {
    const double scale = sixteen_bit ? 257.0 : 1.0;
    std::vector<cv::Mat> frames;
    cv::RNG rng(1);
    for (int i = 0; i < n; ++i) {
        cv::Mat f(240, 320, CV_32FC3);
        rng.fill(f, cv::RNG::NORMAL, cv::Scalar::all(12 * scale), cv::Scalar::all(1.5 * scale));
        for (const Planted& p : planted()) f.at<cv::Vec3f>(p.where)[p.channel] = static_cast<float>(90 * scale);
        cv::Mat out;
        f.convertTo(out, sixteen_bit ? CV_16UC3 : CV_8UC3);
        frames.push_back(out);
    }
    return frames;
}

void expect_found(const NoiseMaps& maps) {
    EXPECT_EQ(cv::countNonZero(maps.rgb), static_cast<int>(planted().size()));
    const cv::Mat* per_bgr[3] = {&maps.b, &maps.g, &maps.r};
    for (const Planted& p : planted()) {
        EXPECT_EQ(maps.rgb.at<uchar>(p.where), 255);
        EXPECT_EQ(per_bgr[p.channel]->at<uchar>(p.where), 255);
    }
}

TEST(NoiseDetection, FindsThePlantedHotPixels8Bit) {
    MemoryFrameSource source(dark_frames(false));
    expect_found(detect_noise(source));
}

TEST(NoiseDetection, FindsThePlantedHotPixels16Bit) {
    MemoryFrameSource source(dark_frames(true));
    expect_found(detect_noise(source));
}

TEST(NoiseDetection, JobActionWritesTheSeedsFilesAndPlot) {
    test::TempDir dir;
    fs::create_directories(dir.path() / "src");
    const auto frames = dark_frames(false, 3);
    for (size_t i = 0; i < frames.size(); ++i)
        write_image(dir.path() / "src" / ("f" + std::to_string(i) + ".png"), frames[i]);
    StackJob job("job", dir.path(), "src");
    job.add_action(std::make_unique<NoiseDetection>());
    job.run();
    for (const char* name : {"hot-rgb.png", "hot-r.png", "hot-g.png", "hot-b.png"})
        EXPECT_TRUE(fs::exists(dir.path() / "noise-map" / name)) << name;
    EXPECT_TRUE(fs::exists(dir.path() / "plots" / "hot-pixels.png"));
    EXPECT_EQ(cv::countNonZero(read_image(dir.path() / "noise-map" / "hot-rgb.png")), 25);
}

TEST(MaskNoise, RemovesTheHotPixelsByMeanAndMedian) {
    for (bool sixteen : {false, true}) {
        for (InterpolationMethod method : {InterpolationMethod::Mean, InterpolationMethod::Median}) {
            test::TempDir dir;
            const auto frames = dark_frames(sixteen, 3);
            MemoryFrameSource detect_source(frames);
            write_noise_maps(detect_noise(detect_source), dir.path() / "noise-map", "hot");
            MaskNoiseOptions o;
            o.noise_mask = dir.path() / "noise-map" / "hot-rgb.png";
            o.method = method;
            MemoryFrameSource source(frames);
            std::vector<std::unique_ptr<FrameAction>> actions;
            actions.push_back(std::make_unique<MaskNoise>(o));
            ProcessedFrameSource processed(source, std::move(actions));
            const double scale = sixteen ? 257.0 : 1.0;
            for (int i = 0; i < processed.size(); ++i) {
                const cv::Mat f = processed.frame(i);
                EXPECT_EQ(f.type(), frames[0].type());
                cv::Mat g;
                f.convertTo(g, CV_32F, 1.0 / scale);
                for (const Planted& p : planted())
                    EXPECT_NEAR(g.at<cv::Vec3f>(p.where)[p.channel], 12.0, 5.0) << "16-bit " << sixteen;
            }
        }
    }
}

TEST(MaskNoise, AMaskOfAnotherSizeIsAnInputError) {
    test::TempDir dir;
    write_image(dir.path() / "mask.png", cv::Mat(10, 10, CV_8U, cv::Scalar(0)));
    MaskNoiseOptions o;
    o.noise_mask = dir.path() / "mask.png";
    MemoryFrameSource source(dark_frames(false, 2));
    std::vector<std::unique_ptr<FrameAction>> actions;
    actions.push_back(std::make_unique<MaskNoise>(o));
    ProcessedFrameSource processed(source, std::move(actions));
    try {
        processed.prepare();
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("mask.png"), std::string::npos) << e.what();
    }
}

TEST(NoiseDetection, BadOptionsAreUsageErrors) {
    NoiseDetectionOptions o;
    o.blur_size = 4;
    EXPECT_THROW(NoiseDetection("n", o), Error);
    MaskNoiseOptions m;
    m.kernel_size = 2;
    EXPECT_THROW(MaskNoise{m}, Error);
}

}  // namespace
