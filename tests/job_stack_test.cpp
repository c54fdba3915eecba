// SPDX-License-Identifier: GPL-3.0-or-later
// Successful jobs on folders of frames: output names and depths, bunches, chaining, EXIF rules, denoise.
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"
#include "job_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::jobs;

// Floors about 1 dB (or 3%) under what was measured on the 320x240, 8-frame, seed-5 scene of
// job_test_support.hpp with the default PyramidStack (GCC 12, OpenCV 4.6, x86-64):
constexpr double JOB8_FLOOR = 32.1;       // 8-bit PNG frames: 33.12 dB
constexpr double JOB16_FLOOR = 32.1;      // 16-bit TIFF frames: 33.14 dB
constexpr double CHAIN_FLOOR = 32.1;      // stack of the three bunch results: 33.17 dB
constexpr double DENOISE16_FLOOR = 32.1;  // 16-bit with denoise 0.8: 33.14 dB
constexpr double JOB_DEPTH_FLOOR = 0.95;  // written depth map within +-1 frame of the ideal: 97.9%

struct Exif {
    std::string make, model;
};
Exif read_exif(const fs::path& p) {
    ensure_exiv2();
    Exif r;
    auto image = Exiv2::ImageFactory::open(p.string());
    image->readMetadata();
    const auto& exif = image->exifData();
    auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Make"));
    if (it != exif.end()) r.make = it->toString();
    it = exif.findKey(Exiv2::ExifKey("Exif.Image.Model"));
    if (it != exif.end()) r.model = it->toString();
    return r;
}

// ---------------------------------------------------------------------------------------------
// Successful jobs

TEST(StackJob, FocusStackPngThenBunchesAndChaining) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".png");
    std::ofstream(work / "src" / "notes.txt") << "sidecar";  // skipped, not an error

    fstack::StackJob job("test", work.path(), "src");
    fstack::FocusStackOptions whole;
    whole.postfix = "_fs";
    whole.depth_map_path = "depth.png";
    job.add_action(std::make_unique<fstack::FocusStack>("stack", pyramid(), whole));
    fstack::FocusStackOptions from_src;
    from_src.input_path = "src";
    job.add_action(std::make_unique<fstack::FocusStackBunch>("batches", pyramid(), 4, 1, from_src));
    fstack::FocusStackOptions chain;
    chain.input_path = "batches";
    job.add_action(std::make_unique<fstack::FocusStack>("final", pyramid(), chain));
    job.run();

    // FocusStack: stack/<first frame stem><postfix>.<first frame ext>, 8-bit like the frames.
    EXPECT_EQ(files_in(work / "stack"), std::vector<std::string>{"shot_8_fs.png"});
    const cv::Mat out = fstack::read_image(work / "stack" / "shot_8_fs.png");
    ASSERT_EQ(out.type(), CV_8UC3);
    const double p = synth::psnr(s.ground_truth, out);
    report("job_psnr_png8", p);
    EXPECT_GT(p, JOB8_FLOOR);
    // The stacked result equals the in-memory stack of the same frames (the files add nothing).
    fstack::PyramidStack direct;
    fstack::MemoryFrameSource mem(synth::render_all(s));
    EXPECT_EQ(cv::norm(fstack::run_stacker(direct, mem), out, cv::NORM_INF), 0.0);

    // Depth map next to it, near black to far white.
    const cv::Mat depth = fstack::read_image(work / "depth.png");
    ASSERT_EQ(depth.type(), CV_8UC1);
    cv::Mat index;
    depth.convertTo(index, CV_16U, 7.0 / 255.0);  // 8 frames: value = round(i * 255 / 7)
    const cv::Mat ideal = synth::ideal_index_map(s);
    cv::Mat diff;
    cv::absdiff(index, ideal, diff);
    const double agree = static_cast<double>(cv::countNonZero(diff <= 1)) / static_cast<double>(diff.total());
    report("job_depth_map_within_1", agree);
    EXPECT_GT(agree, JOB_DEPTH_FLOOR);

    // Bunches of 4 overlapping by 1 over 8 frames: [0,4) [3,7) [6,8), named after their first frames.
    EXPECT_EQ(files_in(work / "batches"), (std::vector<std::string>{"shot_11.png", "shot_14.png", "shot_8.png"}));
    // The last bunch is frames 6 and 7 only: its stack must match stacking those two directly.
    {
        fstack::PyramidStack two;
        fstack::MemoryFrameSource pair({synth::render_frame(s, 6), synth::render_frame(s, 7)});
        EXPECT_EQ(cv::norm(fstack::run_stacker(two, pair), fstack::read_image(work / "batches" / "shot_14.png"),
                           cv::NORM_INF), 0.0);
    }

    // Stacking the bunches gives the whole stack again, nearly as well as stacking all frames.
    EXPECT_EQ(files_in(work / "final"), std::vector<std::string>{"shot_8.png"});
    const cv::Mat chained = fstack::read_image(work / "final" / "shot_8.png");
    const double pc = synth::psnr(s.ground_truth, chained);
    report("job_psnr_chained_bunches", pc);
    EXPECT_GT(pc, CHAIN_FLOOR);

    // exif_path unset: every output carries the EXIF of the job input's first frame (also the
    // chained one, whose own input folder holds stacked results).
    for (const fs::path& o : {work / "stack" / "shot_8_fs.png", work / "batches" / "shot_11.png",
                              work / "final" / "shot_8.png"}) {
        SCOPED_TRACE(o.string());
        const Exif e = read_exif(o);
        EXPECT_EQ(e.make, "fstack-test");
        EXPECT_EQ(e.model, "first-frame");
    }
    // The depth map is data, not a photo: no camera metadata.
    EXPECT_TRUE(read_exif(work / "depth.png").make.empty());
    // Sources untouched, no temporaries anywhere.
    EXPECT_EQ(files_in(work / "src").size(), 9u);
    for (const char* d : {"stack", "batches", "final", "src"})
        for (const auto& n : files_in(work / d)) EXPECT_FALSE(contains(n, "fstack-tmp")) << n;
}

TEST(StackJob, DefaultInputIsThePreviousOutput) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".png", false);
    fstack::StackJob job("chain", work.path(), "src");
    fstack::FocusStackOptions bunch;
    bunch.exif_path = "";
    job.add_action(std::make_unique<fstack::FocusStackBunch>("batches", pyramid(), 4, 1, bunch));
    fstack::FocusStackOptions final;
    final.output_extension = ".tif";  // another format than the frames'
    job.add_action(std::make_unique<fstack::FocusStack>("final", pyramid(), final));
    job.run();
    EXPECT_EQ(files_in(work / "batches").size(), 3u);
    ASSERT_EQ(files_in(work / "final"), std::vector<std::string>{"shot_8.tif"});
    EXPECT_EQ(fstack::sniff_format(work / "final" / "shot_8.tif"), fstack::FileFormat::Tiff);
    const cv::Mat chained = fstack::read_image(work / "final" / "shot_8.tif");
    EXPECT_EQ(chained.type(), CV_8UC3);
    EXPECT_GT(synth::psnr(s.ground_truth, chained), CHAIN_FLOOR);
}

TEST(StackJob, SixteenBitTiffWithDenoiseAndNoExif) {
    TempDir work;
    const synth::Scene& s = scene(true);
    write_frames(s, work / "src16", ".tif");
    fstack::StackJob job("sixteen", work.path(), "src16");
    fstack::FocusStackOptions plain;
    plain.exif_path = "";  // explicitly no metadata
    job.add_action(std::make_unique<fstack::FocusStack>("plain", pyramid(), plain));
    fstack::FocusStackOptions denoised;
    denoised.input_path = "src16";
    denoised.denoise = 0.8;  // the seed's OpenCV call asserts on 16-bit images here
    denoised.write.compress = true;
    job.add_action(std::make_unique<fstack::FocusStack>("denoised", pyramid(), denoised));
    job.run();

    ASSERT_EQ(files_in(work / "plain"), std::vector<std::string>{"shot_8.tif"});
    const cv::Mat plain_out = fstack::read_image(work / "plain" / "shot_8.tif");
    ASSERT_EQ(plain_out.type(), CV_16UC3);
    const double p = synth::psnr(s.ground_truth, plain_out);
    report("job_psnr_tif16", p);
    EXPECT_GT(p, JOB16_FLOOR);
    EXPECT_TRUE(read_exif(work / "plain" / "shot_8.tif").make.empty());

    ASSERT_EQ(files_in(work / "denoised"), std::vector<std::string>{"shot_8.tif"});
    const cv::Mat den = fstack::read_image(work / "denoised" / "shot_8.tif");
    ASSERT_EQ(den.type(), CV_16UC3);
    const double pd = synth::psnr(s.ground_truth, den);
    report("job_psnr_tif16_denoise_0.8", pd);
    EXPECT_GT(pd, DENOISE16_FLOOR);
    EXPECT_GT(cv::norm(den, plain_out, cv::NORM_INF), 0.0) << "denoise changed nothing";
    const Exif e = read_exif(work / "denoised" / "shot_8.tif");
    EXPECT_EQ(e.make, "fstack-test");
    EXPECT_EQ(e.model, "first-frame");
}

TEST(StackJob, ExifPathNamesAFileOrFolder) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".png", false);  // frames without EXIF
    fs::create_directories(work / "meta");
    fstack::write_image(work / "meta" / "camera.jpg", synth::render_frame(s, 0));
    set_exif(work / "meta" / "camera.jpg", "from-exif-path");
    fstack::StackJob job("exif", work.path(), "src");
    fstack::FocusStackOptions by_file, by_folder;
    by_file.exif_path = "meta/camera.jpg";
    by_folder.exif_path = "meta";
    by_folder.input_path = "src";
    fstack::DepthMapStackOptions quick;
    quick.map_type = fstack::MapType::Average;
    job.add_action(std::make_unique<fstack::FocusStack>("a", std::make_unique<fstack::DepthMapStack>(quick), by_file));
    job.add_action(std::make_unique<fstack::FocusStack>("b", std::make_unique<fstack::DepthMapStack>(quick), by_folder));
    job.run();
    EXPECT_EQ(read_exif(work / "a" / "shot_8.png").model, "from-exif-path");
    EXPECT_EQ(read_exif(work / "b" / "shot_8.png").model, "from-exif-path");
}

}  // namespace
