// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the CLI tests (tests/cli_*_test.cpp) share: small focus stacks written here, and checks
// of the images and folders the fstack executable leaves behind.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_util.hpp"

namespace fstack::test::cli {

// What every test of the subject names without qualification (`using namespace fstack::test::cli;`).
using fstack::test::CommandResult;
using fstack::test::fstack_cli;
using fstack::test::TempDir;

namespace fs = std::filesystem;

inline constexpr int kWidth = 160, kHeight = 120;

// Every file of a folder with a checksum of its bytes: equal before and after a run that must
// not touch its inputs.
inline std::map<std::string, size_t> checksums(const fs::path& dir) {
    std::map<std::string, size_t> sums;
    for (const auto& e : fs::directory_iterator(dir))
        sums[e.path().filename().string()] = std::hash<std::string>{}(fstack::test::file_bytes(e.path()));
    return sums;
}

inline std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A textured scene; frame k of n is sharp in the k-th vertical stripe only, as if the focus
// plane swept across it.
inline cv::Mat scene() {
    cv::Mat noise(kHeight, kWidth, CV_8UC3);
    cv::RNG rng(1234);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::GaussianBlur(noise, image, cv::Size(3, 3), 0.7);
    for (int x = 0; x < kWidth; x += 16) cv::line(image, {x, 0}, {x + 40, kHeight}, cv::Scalar(255, 255, 255), 1);
    return image;
}

inline cv::Mat frame_of(const cv::Mat& sharp, int k, int n) {
    cv::Mat frame;
    cv::GaussianBlur(sharp, frame, cv::Size(0, 0), 3.0);
    const int x0 = kWidth * k / n, x1 = kWidth * (k + 1) / n;
    sharp(cv::Rect(x0, 0, x1 - x0, kHeight)).copyTo(frame(cv::Rect(x0, 0, x1 - x0, kHeight)));
    return frame;
}

// Writes n frames "frame_01<ext>".. into dir and returns their paths. 16-bit frames get real
// 16-bit values (not just 8-bit ones times 257).
inline std::vector<fs::path> make_stack(const fs::path& dir, int n, const std::string& ext = ".jpg", int depth = CV_8U) {
    fs::create_directories(dir);
    const cv::Mat sharp = scene();
    std::vector<fs::path> paths;
    for (int k = 0; k < n; ++k) {
        cv::Mat frame = frame_of(sharp, k, n);
        if (depth == CV_16U) {
            frame.convertTo(frame, CV_16U, 257.0);
            frame += cv::Scalar(37, 11, 5);
        }
        char name[32];
        std::snprintf(name, sizeof name, "frame_%02d", k + 1);
        const fs::path p = dir / (name + ext);
        EXPECT_TRUE(cv::imwrite(p.string(), frame)) << p;
        paths.push_back(p);
    }
    return paths;
}

inline cv::Mat read_back(const fs::path& p) { return cv::imread(p.string(), cv::IMREAD_UNCHANGED); }

inline void expect_image(const fs::path& p, int depth, int channels) {
    ASSERT_TRUE(fs::exists(p)) << p;
    const cv::Mat m = read_back(p);
    ASSERT_FALSE(m.empty()) << p;
    EXPECT_EQ(m.cols, kWidth);
    EXPECT_EQ(m.rows, kHeight);
    EXPECT_EQ(m.depth(), depth) << p;
    EXPECT_EQ(m.channels(), channels) << p;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace fstack::test::cli
