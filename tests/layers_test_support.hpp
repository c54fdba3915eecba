// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the layered-file tests (tests/layers_*_test.cpp but the CLI's and GIMP's) share: noise
// images over a depth's full range and an exact comparison.
#include <filesystem>

#include <opencv2/core.hpp>

#include "fstack/layered_read.hpp"
#include "fstack/layers.hpp"
#include "test_util.hpp"

namespace fstack::test::layers {

// What every test of the subject names without qualification (`using namespace fstack::test::layers;`).
namespace fs = std::filesystem;
using namespace fstack;
using fstack::test::TempDir;

// Noise over the full range of the depth (16-bit values are not multiples of 257), so that any
// byte-order, channel-order or scaling slip shows.
inline cv::Mat noise_image(int w, int h, int type, unsigned seed) {
    cv::Mat m(h, w, type);
    cv::RNG rng(seed);
    rng.fill(m, cv::RNG::UNIFORM, 0, CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256);
    return m;
}

inline bool same(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return false;
    return cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace fstack::test::layers
