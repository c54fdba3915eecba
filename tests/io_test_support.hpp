// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the image I/O tests (tests/io_*_test.cpp) share: test images, an exact comparison, and
// EXIF/XMP/ICC metadata put into a file with exiv2 itself (not with core's code).
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "test_util.hpp"

namespace fstack::test::io {

// What every test of the subject names without qualification (`using namespace fstack::test::io;`).
using fstack::test::expect_error;
using fstack::test::contains;
using fstack::Error;
using fstack::ErrorKind;
using fstack::FileFormat;
using fstack::test::TempDir;
using fstack::test::write_bytes;

namespace fs = std::filesystem;

// Random values over the whole range of the depth, plus the extremes and odd values pinned in
// the first row, so that a lossy scale (x256 instead of x257, >>8, a signed type) shows up.
inline cv::Mat full_range_image(int rows, int cols, int depth, int channels, unsigned seed = 7) {
    cv::Mat m(rows, cols, CV_MAKETYPE(depth, channels));
    cv::RNG rng(seed);
    const double top = depth == CV_16U ? 65536.0 : 256.0;
    rng.fill(m, cv::RNG::UNIFORM, 0.0, top);
    const std::vector<double> pinned = depth == CV_16U
        ? std::vector<double>{0, 65535, 1, 65533, 257, 32767, 32769, 12345}
        : std::vector<double>{0, 255, 1, 253, 127, 128, 77, 99};
    for (int x = 0; x < static_cast<int>(pinned.size()) && x < cols; ++x) {
        cv::Scalar v = cv::Scalar::all(pinned[x]);
        m(cv::Rect(x, 0, 1, 1)).setTo(v);
    }
    return m;
}

// A photo-like image (smooth gradients and a few edges): JPEG is meant for those, and random
// noise would make quality comparisons meaningless.
inline cv::Mat smooth_image(int rows, int cols) {
    cv::Mat m(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(x * 255 / cols),
                                              cv::saturate_cast<uchar>(y * 255 / rows),
                                              cv::saturate_cast<uchar>(128 + 100 * std::sin(x * 0.05 + y * 0.03)));
    cv::circle(m, {cols / 3, rows / 2}, rows / 5, cv::Scalar(20, 200, 240), -1, cv::LINE_AA);
    cv::rectangle(m, cv::Rect(cols / 2, rows / 4, cols / 4, rows / 3), cv::Scalar(250, 30, 60), -1);
    return m;
}

inline void expect_identical(const cv::Mat& expected, const cv::Mat& actual) {
    ASSERT_EQ(actual.size(), expected.size());
    ASSERT_EQ(actual.type(), expected.type()) << "depth " << actual.depth() << " channels " << actual.channels();
    EXPECT_EQ(cv::norm(expected, actual, cv::NORM_INF), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Metadata, written with exiv2

struct ExivInit {
    ExivInit() {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
    }
};
inline const ExivInit exiv_init;

// Gives an existing image EXIF (Make, ISO, Orientation), an XMP title and optionally an ICC profile.
inline void add_metadata(const fs::path& p, int orientation = 1, const std::vector<unsigned char>* icc = nullptr) {
    auto image = Exiv2::ImageFactory::open(p.string());
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    exif["Exif.Image.Make"] = "fstack-test";
    exif["Exif.Image.Model"] = "Synthetic Camera";
    exif["Exif.Photo.ISOSpeedRatings"] = uint16_t(400);
    exif["Exif.Image.Orientation"] = uint16_t(orientation);
    image->xmpData()["Xmp.dc.title"] = "lang=\"x-default\" fstack round trip";
    if (icc) {
        Exiv2::DataBuf buf(icc->data(), static_cast<long>(icc->size()));
        image->setIccProfile(buf);
    }
    image->writeMetadata();
}

}  // namespace fstack::test::io
