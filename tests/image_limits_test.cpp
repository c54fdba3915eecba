// SPDX-License-Identifier: GPL-3.0-or-later
// The readers against hostile bytes, below the CLI: the JPEG warning policy, the pixel limit
// checked from every format's header before decoding, and the memory guard's message.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/limits.hpp"
#include "hostile_files.hpp"
#include "test_util.hpp"

namespace {
namespace hostile = fstack::test::hostile;
using fstack::test::contains;

std::vector<unsigned char> bytes(const std::string& s) { return {s.begin(), s.end()}; }

struct RecordingProgress : fstack::Progress {
    void log(fstack::LogLevel level, const std::string& m) override {
        if (level == fstack::LogLevel::Warning) warnings.push_back(m);
    }
    std::vector<std::string> warnings;
};

fstack::Error decode_error(const std::string& data) {
    try {
        fstack::decode_image(bytes(data), "frame.img", 4);
    } catch (const fstack::Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error";
    return fstack::Error(fstack::ErrorKind::Internal, "none");
}

// Restores the process-wide limit whatever a test does.
class PixelLimit : public ::testing::Test {
protected:
    void TearDown() override { fstack::set_max_pixels(fstack::kDefaultMaxPixels); }
};

TEST(JpegWarnings, HarmlessWarningIsReportedAndThePictureKept) {
    std::string jpeg = hostile::encode(hostile::picture(64, 48, 1), ".jpg");
    ASSERT_EQ(jpeg.substr(6, 5), std::string("JFIF\0", 5));
    jpeg[11] = 2;  // JFIF major version 2: libjpeg warns, the pixels are untouched
    RecordingProgress progress;
    const cv::Mat image = fstack::decode_image(bytes(jpeg), "odd.jpg", 0, progress);
    EXPECT_EQ(image.size(), cv::Size(64, 48));
    ASSERT_EQ(progress.warnings.size(), 1u);
    EXPECT_TRUE(contains(progress.warnings[0], "odd.jpg")) << progress.warnings[0];
    EXPECT_TRUE(contains(progress.warnings[0], "JFIF revision")) << progress.warnings[0];
}

TEST(JpegWarnings, DamagedScanIsAnError) {
    const std::string jpeg = hostile::encode(hostile::picture(64, 48, 1), ".jpg");
    const fstack::Error e = decode_error(hostile::jpeg_with_corrupt_scan(jpeg));
    EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
    EXPECT_EQ(e.file(), "frame.img");
    EXPECT_EQ(e.frame_index(), 4);
    EXPECT_TRUE(contains(e.reason(), "part of the picture is damaged")) << e.reason();
}

TEST(JpegWarnings, GreyAndColourDecodeLikeOpenCV) {
    const cv::Mat colour = hostile::picture(40, 30, 2);
    cv::Mat grey;
    cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    for (const cv::Mat& m : {colour, grey}) {
        const std::string jpeg = hostile::encode(m, ".jpg");
        const cv::Mat ours = fstack::decode_image(bytes(jpeg), "x.jpg");
        const cv::Mat theirs = cv::imdecode(bytes(jpeg), cv::IMREAD_UNCHANGED);
        ASSERT_EQ(ours.type(), theirs.type());
        EXPECT_LE(cv::norm(ours, theirs, cv::NORM_INF), 1.0);  // same libjpeg, same IDCT
    }
}

TEST_F(PixelLimit, EveryFormatChecksTheHeaderBeforeDecoding) {
    const std::string jpeg = hostile::encode(hostile::picture(64, 48, 1), ".jpg");
    for (const std::string& bomb : {hostile::jpeg_with_size(jpeg, 60000, 60000), hostile::png_header_only(100000, 100000),
                                    hostile::tiff_header_only(200000, 150000)}) {
        const fstack::Error e = decode_error(bomb);
        EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
        EXPECT_TRUE(contains(e.reason(), "decompression bomb")) << e.reason();
    }
}

TEST_F(PixelLimit, LimitIsInclusiveAndZeroMeansNone) {
    const cv::Mat p = hostile::picture(64, 48, 1);
    for (const char* ext : {".jpg", ".png", ".tif"}) {
        SCOPED_TRACE(ext);
        const auto data = bytes(hostile::encode(p, ext));
        fstack::set_max_pixels(64 * 48);
        EXPECT_EQ(fstack::decode_image(data, "x").size(), p.size());
        fstack::set_max_pixels(64 * 48 - 1);
        EXPECT_THROW(fstack::decode_image(data, "x"), fstack::Error);
        fstack::set_max_pixels(0);
        EXPECT_EQ(fstack::decode_image(data, "x").size(), p.size());
    }
}

TEST(MemoryGuard, RefusesWhatCannotFitAndNamesBothFigures) {
    ASSERT_GT(fstack::available_memory(), 0u);
    EXPECT_NO_THROW(fstack::check_stack_memory(900ull << 20, 4000, 3000, "pyramid", "f.jpg", 0));
    try {
        fstack::check_stack_memory(~0ull, 2'000'000, 2'000'000, "pyramid", "f.jpg", 0);  // 16 EiB
        FAIL() << "no error";
    } catch (const fstack::Error& e) {
        EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
        EXPECT_TRUE(contains(e.reason(), "GiB of memory to stack (pyramid); only")) << e.reason();
    }
}

}  // namespace

// The one way fstack prints a memory size (`fstack info`, the batch plan, a GPU's description):
// MiB below 1 GiB, GiB with one decimal from there, powers of 1024.
TEST(MemorySize, MiBBelowAGibibyteThenGiB) {
    EXPECT_EQ(fstack::format_memory_size(0), "0 MiB");
    EXPECT_EQ(fstack::format_memory_size(812ull << 20), "812 MiB");
    EXPECT_EQ(fstack::format_memory_size((1ull << 30) - (1ull << 20)), "1023 MiB");
    EXPECT_EQ(fstack::format_memory_size(1ull << 30), "1.0 GiB");
    EXPECT_EQ(fstack::format_memory_size(3ull * (1ull << 30) + (400ull << 20)), "3.4 GiB");
    EXPECT_EQ(fstack::format_memory_size(141ull << 30), "141.0 GiB");  // an H200
}
