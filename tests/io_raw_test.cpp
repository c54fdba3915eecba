// SPDX-License-Identifier: GPL-3.0-or-later
// Raw frames through LibRaw (core/src/io/raw_reader.cpp), on DNG files the tests write
// themselves (raw_dng.hpp): detection by content, development against the known scene, white
// balance and exposure the same for every frame, clipped highlights, damaged files.
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/raw.hpp"
#include "raw_dng.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::FileFormat;
using fstack::FileFrameSource;
using fstack::RawOptions;
using fstack::RawSpace;
using fstack::test::DngOptions;
using fstack::test::TempDir;

constexpr int kW = 96, kH = 64;

// A smooth linear-light scene (no edges: demosaicking is exact up to interpolation there),
// values 0.05..0.75 of the white level.
cv::Mat smooth_scene() {
    cv::Mat s(kH, kW, CV_32FC3);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const float u = float(x) / kW, v = float(y) / kH;
            s.at<cv::Vec3f>(y, x) = cv::Vec3f(0.30f + 0.40f * v,                       // B
                                              0.15f + 0.50f * u * v + 0.1f * u,        // G
                                              0.05f + 0.70f * u);                      // R
        }
    return s;
}

// The developed frame (CV_16UC3, linear) as 0..1 floats, less a 4-pixel border.
cv::Mat interior(const cv::Mat& developed) {
    cv::Mat f;
    developed.convertTo(f, CV_32FC3, 1.0 / 65535);
    return f(cv::Rect(4, 4, f.cols - 8, f.rows - 8)).clone();
}

struct Errors {
    double mean = 0, max = 0;
};
Errors errors(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat d;
    cv::absdiff(a, b, d);
    double max = 0;
    cv::minMaxLoc(d.reshape(1), nullptr, &max);
    const cv::Scalar m = cv::mean(d);
    return {(m[0] + m[1] + m[2]) / 3, max};
}

cv::Mat develop(const fs::path& p, RawOptions o = {}) {
    if (o.space == RawSpace::Auto) o.space = RawSpace::Linear;
    FileFrameSource source({p});
    source.set_raw_options(o);
    return source.frame(0);
}

struct Layout {
    int bits;
    bool bggr;
};

class RawDevelop : public ::testing::TestWithParam<Layout> {};

// 12/14/16-bit, RGGB and BGGR: the developed frame is the scene within 0.5% of full scale on
// average and 2% at worst (AHD's interpolation on a smooth scene), in linear light.
TEST_P(RawDevelop, MatchesTheScene) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "scene.dng";
    DngOptions o;
    o.bits = GetParam().bits;
    o.bggr = GetParam().bggr;
    o.black = o.bits == 12 ? 128 : o.bits == 14 ? 512 : 1024;
    fstack::test::write_dng(p, smooth_scene(), o);
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Raw);
    const fstack::ImageInfo info = fstack::read_image_info(p);
    EXPECT_EQ(info.format, FileFormat::Raw);
    EXPECT_EQ(info.width, kW);
    EXPECT_EQ(info.height, kH);
    EXPECT_EQ(info.channels, 3);
    EXPECT_EQ(info.depth, CV_16U);
    const cv::Mat developed = develop(p);
    ASSERT_EQ(developed.type(), CV_16UC3);
    ASSERT_EQ(developed.size(), cv::Size(kW, kH));
    const Errors e = errors(interior(developed), interior(smooth_scene() * 65535));
    fstack::test::report("mean_error_percent", 100 * e.mean);
    fstack::test::report("max_error_percent", 100 * e.max);
    EXPECT_LT(e.mean, 0.005);
    EXPECT_LT(e.max, 0.02);
}

INSTANTIATE_TEST_SUITE_P(Layouts, RawDevelop,
                         ::testing::Values(Layout{12, false}, Layout{14, false}, Layout{16, false}, Layout{12, true},
                                           Layout{14, true}, Layout{16, true}),
                         [](const auto& info) {
                             return std::to_string(info.param.bits) + (info.param.bggr ? "bit_BGGR" : "bit_RGGB");
                         });

// sRGB space: the same pixels through the sRGB curve.
TEST(RawDevelop, SrgbSpaceIsTheLinearFrameEncoded) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "scene.dng";
    fstack::test::write_dng(p, smooth_scene());
    RawOptions srgb;
    srgb.space = RawSpace::Srgb;
    const cv::Mat encoded = interior(develop(p, srgb));
    cv::Mat expected = interior(smooth_scene() * 65535);
    expected.forEach<cv::Vec3f>([](cv::Vec3f& px, const int*) {
        for (int c = 0; c < 3; ++c)
            px[c] = float(px[c] <= 0.0031308 ? 12.92 * px[c] : 1.055 * std::pow(px[c], 1 / 2.4) - 0.055);
    });
    EXPECT_LT(errors(encoded, expected).mean, 0.005);
}

// No automatic brightening: a dark frame stays dark (0.1 of the white level gives 0.1), and
// --raw-exposure scales by 2^EV.
TEST(RawDevelop, ExposureIsFixedNotFromTheHistogram) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "dark.dng";
    fstack::test::write_dng(p, cv::Mat(kH, kW, CV_32FC3, cv::Scalar(0.1, 0.1, 0.1)));
    const cv::Scalar plain = cv::mean(interior(develop(p)));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(plain[c], 0.1, 0.002) << c;
    // A frame whose brightest value is 85% of the white level: LibRaw would take that for the
    // white level (its adjust_maximum_thr) and brighten the frame by 1/0.85.
    const fs::path bright = dir / "bright.dng";
    cv::Mat s(kH, kW, CV_32FC3, cv::Scalar(0.1, 0.1, 0.1));
    s(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0.85, 0.85, 0.85));
    fstack::test::write_dng(bright, s);
    const cv::Mat b = interior(develop(bright));
    const cv::Scalar dark_part = cv::mean(b(cv::Rect(30, 30, 40, 20)));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(dark_part[c], 0.1, 0.002) << c;
    RawOptions plus;
    plus.exposure_ev = 1.5;
    const cv::Scalar brighter = cv::mean(interior(develop(p, plus)));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(brighter[c], 0.1 * std::exp2(1.5), 0.003) << c;
}

// Every frame gets the first frame's white balance, whatever its own as-shot neutral says: the
// camera's auto white balance drifting between shots leaves the stack's colour alone.
TEST(RawDevelop, EveryFrameGetsTheFirstFramesWhiteBalance) {
    TempDir dir("fstack-raw");
    const fs::path a = dir / "a.dng", b = dir / "b.dng";
    fstack::test::write_dng(a, smooth_scene());
    DngOptions warm;
    warm.as_shot_neutral = {0.6, 1.0, 0.8};  // what the camera's auto white balance said this time
    fstack::test::write_dng(b, smooth_scene(), warm);
    FileFrameSource stack({a, b});
    RawOptions o;
    o.space = RawSpace::Linear;
    stack.set_raw_options(o);
    const cv::Mat first = interior(stack.frame(0)), second = interior(stack.frame(1));
    EXPECT_LT(errors(first, second).max, 1e-4);
    // Alone, the second frame develops with its own neutral: a different colour.
    const cv::Mat alone = interior(develop(b));
    EXPECT_GT(errors(first, alone).mean, 0.02);
    // Daylight (from the colour matrix) equals the true neutral here, for every frame.
    FileFrameSource daylight({b, a});
    o.white_balance = fstack::RawWhiteBalance::Daylight;
    daylight.set_raw_options(o);
    EXPECT_LT(errors(interior(daylight.frame(0)), first).mean, 0.002);
    EXPECT_LT(errors(interior(daylight.frame(1)), first).mean, 0.002);
}

// Clipped highlights stay white (no magenta): a patch 3x over the white level in every channel,
// and a colour one over it in some.
TEST(RawDevelop, ClippedHighlightsAreWhiteNotMagenta) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "clipped.dng";
    cv::Mat s = smooth_scene();
    s(cv::Rect(8, 8, 32, 32)).setTo(cv::Scalar(3, 3, 3));
    s(cv::Rect(56, 8, 32, 32)).setTo(cv::Scalar(1.2, 2.5, 2.0));
    fstack::test::write_dng(p, s);
    cv::Mat d;
    develop(p).convertTo(d, CV_32FC3, 1.0 / 65535);
    for (const cv::Rect patch : {cv::Rect(14, 14, 20, 20), cv::Rect(62, 14, 20, 20)}) {
        const cv::Scalar m = cv::mean(d(patch));
        EXPECT_GT(m[1], 0.99) << patch;
        EXPECT_NEAR(m[0], m[1], 0.01) << patch;
        EXPECT_NEAR(m[2], m[1], 0.01) << patch;
    }
}

// A plain 16-bit TIFF is not raw; a DNG is raw by content whatever its name.
TEST(RawDetect, ByContentNotByName) {
    TempDir dir("fstack-raw");
    const fs::path tif = dir / "plain.tif", misnamed = dir / "shot.tif";
    ASSERT_TRUE(cv::imwrite(tif.string(), cv::Mat(16, 16, CV_16UC3, cv::Scalar(1000, 2000, 3000))));
    EXPECT_EQ(fstack::sniff_format(tif), FileFormat::Tiff);
    fstack::test::write_dng(misnamed, smooth_scene());
    EXPECT_EQ(fstack::sniff_format(misnamed), FileFormat::Raw);
    EXPECT_EQ(fstack::list_frames(dir.path()).size(), 2u);
}

// A DNG whose pixel data runs past the end of the file (a copy cut short: the directory
// survives, the strip does not): LibRaw's reason, the file named, ErrorKind::Input.
TEST(RawErrors, DamagedDngNamesLibRawsReason) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "cut.dng";
    fstack::test::write_dng(p, smooth_scene());
    fstack::test::cut_dng_strip(p);
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Raw);
    const fstack::Error e = fstack::test::expect_error([&] { develop(p); });
    EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
    EXPECT_EQ(e.file(), p.string());
    EXPECT_EQ(e.reason(), "cannot develop the raw file: Input/output error (LibRaw: unexpected end of file; "
                          "was it fully copied?)");
}

// A DNG in a compression LibRaw does not know: refused from its header (before any work) with
// LibRaw's reason.
TEST(RawErrors, UnsupportedDngNamesLibRawsReason) {
    TempDir dir("fstack-raw");
    const fs::path p = dir / "odd.dng";
    DngOptions o;
    o.compression = 99;
    fstack::test::write_dng(p, smooth_scene(), o);
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Raw);
    const fstack::Error e = fstack::test::expect_error([&] { fstack::read_image_info(p, 4); });
    EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
    EXPECT_EQ(e.file(), p.string());
    EXPECT_EQ(e.frame_index(), 4);
    EXPECT_EQ(e.reason(), "cannot develop the raw file: Unsupported file format or not RAW file (LibRaw)");
}

}  // namespace
