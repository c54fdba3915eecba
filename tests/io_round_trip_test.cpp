// SPDX-License-Identifier: GPL-3.0-or-later
// Image I/O round trips: PNG and TIFF lossless at 8/16 bits and 1/3/4 channels, TIFF deflate,
// JPEG quality and the 16-to-8-bit conversion, an unknown output extension.
#include <gtest/gtest.h>
#include <tiffio.h>

#include <ostream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "io_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::io;

// ---------------------------------------------------------------------------------------------
// Lossless round trips

struct RoundTripCase {
    const char* ext;
    int depth;
    int channels;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) {
    *os << c.ext << (c.depth == CV_16U ? " 16-bit " : " 8-bit ") << c.channels << " channel(s)";
}

class LosslessRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(LosslessRoundTrip, PixelsComeBackExactly) {
    const RoundTripCase c = GetParam();
    TempDir dir;
    const cv::Mat image = full_range_image(37, 53, c.depth, c.channels);  // odd sizes: no padding luck
    const fs::path p = dir / (std::string("img") + c.ext);
    fstack::write_image(p, image);
    ASSERT_TRUE(fs::exists(p));
    expect_identical(image, fstack::read_image(p));
}

INSTANTIATE_TEST_SUITE_P(
    PngAndTiff, LosslessRoundTrip,
    ::testing::Values(RoundTripCase{".png", CV_8U, 1}, RoundTripCase{".png", CV_8U, 3},
                      RoundTripCase{".png", CV_8U, 4}, RoundTripCase{".png", CV_16U, 1},
                      RoundTripCase{".png", CV_16U, 3}, RoundTripCase{".png", CV_16U, 4},
                      RoundTripCase{".tif", CV_8U, 1}, RoundTripCase{".tif", CV_8U, 3},
                      RoundTripCase{".tif", CV_8U, 4}, RoundTripCase{".tif", CV_16U, 1},
                      RoundTripCase{".tif", CV_16U, 3}, RoundTripCase{".tif", CV_16U, 4},
                      RoundTripCase{".tiff", CV_16U, 3}),
    [](const ::testing::TestParamInfo<RoundTripCase>& info) {
        return std::string(info.param.ext + 1) + (info.param.depth == CV_16U ? "16" : "8") + "c" +
               std::to_string(info.param.channels);
    });

uint16_t tiff_compression(const fs::path& p) {
    TIFF* tif = TIFFOpen(p.c_str(), "r");
    if (!tif) return 0xFFFF;
    uint16_t compression = 0;
    TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
    TIFFClose(tif);
    return compression;
}

TEST(ImageIo, CompressedTiffIsDeflateAndLossless) {
    TempDir dir;
    for (int depth : {CV_8U, CV_16U}) {
        SCOPED_TRACE(depth == CV_16U ? "16-bit" : "8-bit");
        // Mostly flat with a noisy strip: deflate must actually shrink it, and stay exact.
        cv::Mat image(120, 160, CV_MAKETYPE(depth, 3), cv::Scalar::all(depth == CV_16U ? 40000 : 150));
        full_range_image(20, 160, depth, 3).copyTo(image(cv::Rect(0, 50, 160, 20)));
        fstack::WriteOptions compressed;
        compressed.compress = true;
        const fs::path pc = dir / "c.tif", pu = dir / "u.tif";
        fstack::write_image(pc, image, compressed);
        fstack::write_image(pu, image);
        EXPECT_EQ(tiff_compression(pc), COMPRESSION_ADOBE_DEFLATE);
        EXPECT_EQ(tiff_compression(pu), COMPRESSION_NONE);
        EXPECT_LT(fs::file_size(pc), fs::file_size(pu) / 2);
        expect_identical(image, fstack::read_image(pc));
    }
}

TEST(ImageIo, JpegQualityAndTolerance) {
    TempDir dir;
    const cv::Mat image = smooth_image(240, 320);
    fstack::WriteOptions q50, q95;
    q50.jpeg_quality = 50;
    q95.jpeg_quality = 95;
    fstack::write_image(dir / "q50.jpg", image, q50);
    fstack::write_image(dir / "q95.jpg", image, q95);
    const auto s50 = fs::file_size(dir / "q50.jpg"), s95 = fs::file_size(dir / "q95.jpg");
    EXPECT_LT(s50 * 3 / 2, s95) << "q50 " << s50 << " bytes, q95 " << s95 << " bytes";

    const cv::Mat back95 = fstack::read_image(dir / "q95.jpg");
    const cv::Mat back50 = fstack::read_image(dir / "q50.jpg");
    ASSERT_EQ(back95.type(), CV_8UC3);
    ASSERT_EQ(back95.size(), image.size());
    const double psnr95 = cv::PSNR(image, back95), psnr50 = cv::PSNR(image, back50);
    EXPECT_GT(psnr95, 38.0);
    EXPECT_GT(psnr50, 30.0);
    EXPECT_GT(psnr95, psnr50 + 2.0);
}

TEST(ImageIo, SixteenBitJpegComesBackEightBit) {
    TempDir dir;
    cv::Mat image16;
    smooth_image(96, 128).convertTo(image16, CV_16U, 257.0);
    fstack::WriteOptions o;
    o.jpeg_quality = 100;
    fstack::write_image(dir / "a.jpg", image16, o);
    const cv::Mat back = fstack::read_image(dir / "a.jpg");
    ASSERT_EQ(back.type(), CV_8UC3);
    // The 16-bit image is the 8-bit one x257: scaled back by 257 it must encode to the very same
    // JPEG as the 8-bit original (a missed or wrong depth conversion would change the bytes).
    fstack::write_image(dir / "a8.jpg", smooth_image(96, 128), o);
    EXPECT_EQ(fstack::test::file_bytes(dir / "a.jpg"), fstack::test::file_bytes(dir / "a8.jpg"));
    EXPECT_GT(cv::PSNR(smooth_image(96, 128), back), 30.0);
    // BGRA to JPEG: the alpha is dropped, the colour kept.
    cv::Mat bgra;
    cv::cvtColor(smooth_image(96, 128), bgra, cv::COLOR_BGR2BGRA);
    fstack::write_image(dir / "b.jpg", bgra, o);
    EXPECT_EQ(fstack::read_image(dir / "b.jpg").type(), CV_8UC3);
}

TEST(ImageIo, UnknownOutputExtensionIsUsageError) {
    TempDir dir;
    const Error e = expect_error([&] { fstack::write_image(dir / "x.bmp", smooth_image(8, 8)); });
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_FALSE(fs::exists(dir / "x.bmp"));
}

}  // namespace
