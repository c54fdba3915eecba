// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker's file API: process_stack on PNG and 16-bit TIFF frames, save_image, bad frames named.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "focus_stacker_test_support.hpp"
#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/image_io.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::focus_stacker;

// ---------------------------------------------------------------------------------------------
// The file API: process_stack and save_image

std::vector<fs::path> write_frames(const fs::path& dir, const std::vector<cv::Mat>& frames,
                                   const std::string& ext) {
    std::vector<fs::path> paths;
    for (size_t i = 0; i < frames.size(); ++i) {
        paths.push_back(dir / ("scan_" + std::to_string(i + 1) + ext));
        fstack::write_image(paths.back(), frames[i]);
    }
    return paths;
}

std::vector<cv::Mat> crop_all(const std::vector<cv::Mat>& frames, const cv::Rect& r) {
    std::vector<cv::Mat> out;
    for (const cv::Mat& f : frames) out.push_back(f(r).clone());
    return out;
}

TEST(FocusStacker, ProcessStackAndSaveImage) {
    TempDir dir("fstack-focusstacker");
    const auto frames = crop_all(stack(false).frames, cv::Rect(100, 80, 240, 180));
    const auto paths = write_frames(dir.path(), frames, ".png");
    FocusStacker stacker;
    const cv::Mat from_files = stacker.process_stack(paths);
    FocusStacker in_memory;
    EXPECT_EQ(cv::norm(from_files, run_in_memory(in_memory, frames), cv::NORM_INF), 0.0);

    FocusStacker::save_image(from_files, dir / "out.png");
    const cv::Mat back = fstack::read_image(dir / "out.png");
    EXPECT_EQ(cv::norm(back, from_files, cv::NORM_INF), 0.0);
    FocusStacker::save_image(from_files, dir / "out.jpg");
    EXPECT_EQ(fstack::read_image(dir / "out.jpg").type(), CV_8UC3);
}

TEST(FocusStacker, ProcessStackSixteenBitTiff) {
    TempDir dir("fstack-focusstacker");
    const auto frames = crop_all(stack(true).frames, cv::Rect(100, 80, 160, 120));
    const auto paths = write_frames(dir.path(), frames, ".tif");
    FocusStacker stacker;
    const cv::Mat out = stacker.process_stack(paths);
    ASSERT_EQ(out.type(), CV_16UC3);
    FocusStacker::save_image(out, dir / "out.tif");
    const cv::Mat back = fstack::read_image(dir / "out.tif");
    ASSERT_EQ(back.type(), CV_16UC3);
    EXPECT_EQ(cv::norm(back, out, cv::NORM_INF), 0.0);
}

TEST(FocusStacker, ProcessStackNamesACorruptFrame) {
    TempDir dir("fstack-focusstacker");
    const auto frames = crop_all(stack(false).frames, cv::Rect(0, 0, 96, 72));
    auto paths = write_frames(dir.path(), frames, ".png");
    {
        // A truncated PNG: the header is intact, the pixels are not.
        const std::string bytes = fstack::test::file_bytes(paths[3]);
        std::FILE* f = std::fopen(paths[3].c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fwrite(bytes.data(), 1, bytes.size() / 2, f);
        std::fclose(f);
    }
    FocusStacker stacker;
    const Error e = expect_error([&] { stacker.process_stack(paths); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "scan_4.png")) << e.what();

    const Error missing = expect_error([&] { stacker.process_stack({paths[0], dir / "nope.png"}); });
    EXPECT_EQ(missing.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(missing.what(), "nope.png")) << missing.what();
}

}  // namespace
