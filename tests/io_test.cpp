// SPDX-License-Identifier: GPL-3.0-or-later
// Image I/O: lossless round trips, content sniffing, frame listing, corrupt inputs, metadata
// copying (checked with exiv2 itself, not with core's reader) and atomic writes.
#include <gtest/gtest.h>
#include <tiffio.h>

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "test_util.hpp"

namespace {
using fstack::test::expect_error;
using fstack::test::contains;

namespace fs = std::filesystem;
using fstack::Error;
using fstack::ErrorKind;
using fstack::FileFormat;
using fstack::test::TempDir;

// Random values over the whole range of the depth, plus the extremes and odd values pinned in
// the first row, so that a lossy scale (x256 instead of x257, >>8, a signed type) shows up.
cv::Mat full_range_image(int rows, int cols, int depth, int channels, unsigned seed = 7) {
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
cv::Mat smooth_image(int rows, int cols) {
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

void expect_identical(const cv::Mat& expected, const cv::Mat& actual) {
    ASSERT_EQ(actual.size(), expected.size());
    ASSERT_EQ(actual.type(), expected.type()) << "depth " << actual.depth() << " channels " << actual.channels();
    EXPECT_EQ(cv::norm(expected, actual, cv::NORM_INF), 0.0);
}

using fstack::test::write_bytes;

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

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

// ---------------------------------------------------------------------------------------------
// Content sniffing

TEST(ImageIo, FormatIsSniffedFromContentNotName) {
    TempDir dir;
    const cv::Mat image = full_range_image(20, 30, CV_8U, 3);
    fstack::write_image(dir / "real.png", image);
    fs::rename(dir / "real.png", dir / "fake.jpg");
    EXPECT_EQ(fstack::sniff_format(dir / "fake.jpg"), FileFormat::Png);
    EXPECT_EQ(fstack::format_from_extension(dir / "fake.jpg"), FileFormat::Jpeg);
    expect_identical(image, fstack::read_image(dir / "fake.jpg"));

    const cv::Mat photo = smooth_image(64, 80);
    fstack::write_image(dir / "real.jpg", photo);
    const cv::Mat jpeg_pixels = fstack::read_image(dir / "real.jpg");
    fs::rename(dir / "real.jpg", dir / "fake.png");
    EXPECT_EQ(fstack::sniff_format(dir / "fake.png"), FileFormat::Jpeg);
    expect_identical(jpeg_pixels, fstack::read_image(dir / "fake.png"));
    EXPECT_EQ(fstack::read_image_info(dir / "fake.png").format, FileFormat::Jpeg);

    fstack::write_image(dir / "real.tif", image);
    fs::rename(dir / "real.tif", dir / "fake.png");
    EXPECT_EQ(fstack::sniff_format(dir / "fake.png"), FileFormat::Tiff);
    expect_identical(image, fstack::read_image(dir / "fake.png"));
}

TEST(ImageIo, TextFileNamedJpgIsRejectedNamingIt) {
    TempDir dir;
    const fs::path p = dir / "notes.jpg";
    write_bytes(p, "these are my notes, not a picture\n");
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Unknown);
    const Error e = expect_error([&] { fstack::read_image(p, 3); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_EQ(e.file(), p.string());
    EXPECT_EQ(e.frame_index(), 3);
    EXPECT_TRUE(contains(e.what(), "frame 4")) << e.what();  // counted from 1 in messages
    const Error info = expect_error([&] { fstack::read_image_info(p); });
    EXPECT_EQ(info.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(info.what(), p.string())) << info.what();
}

TEST(ImageIo, MissingFileAndFolderAreInputErrors) {
    TempDir dir;
    const Error missing = expect_error([&] { fstack::read_image(dir / "nope.png"); });
    EXPECT_EQ(missing.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(missing.what(), "nope.png")) << missing.what();
    EXPECT_TRUE(contains(missing.what(), "not found")) << missing.what();
    const Error folder = expect_error([&] { fstack::read_image(dir.path()); });
    EXPECT_EQ(folder.kind(), ErrorKind::Input);
    const Error list = expect_error([&] { fstack::list_frames(dir / "no-such-folder"); });
    EXPECT_EQ(list.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(list.what(), "no-such-folder")) << list.what();
}

// ---------------------------------------------------------------------------------------------
// Natural order and frame listing

TEST(NaturalLess, NumbersCompareByValue) {
    using fstack::natural_less;
    EXPECT_TRUE(natural_less("frame_2", "frame_10"));
    EXPECT_FALSE(natural_less("frame_10", "frame_2"));
    EXPECT_TRUE(natural_less("frame_1", "frame_02"));
    EXPECT_TRUE(natural_less("frame_02", "frame_3"));
    EXPECT_TRUE(natural_less("frame_1", "frame_3"));
    EXPECT_TRUE(natural_less("IMG_9.jpg", "IMG_0010.jpg"));
    EXPECT_TRUE(natural_less("a", "B"));          // case-insensitive
    EXPECT_TRUE(natural_less("img1_2", "img1_10"));
    EXPECT_TRUE(natural_less("img9_5", "img10_1"));
    EXPECT_TRUE(natural_less("frame", "frame_1"));  // prefix first
    EXPECT_FALSE(natural_less("frame_7", "frame_7"));  // irreflexive
    // "1" and "01" have the same value; the order is still strict and total.
    EXPECT_NE(natural_less("frame_1", "frame_01"), natural_less("frame_01", "frame_1"));

    std::vector<std::string> names = {"f_10.tif", "f_1.tif", "f_100.tif", "f_02.tif", "F_3.tif", "f_20.tif"};
    std::sort(names.begin(), names.end(), natural_less);
    EXPECT_EQ(names, (std::vector<std::string>{"f_1.tif", "f_02.tif", "F_3.tif", "f_10.tif", "f_20.tif", "f_100.tif"}));
}

class RecordingProgress : public fstack::Progress {
public:
    void log(fstack::LogLevel level, const std::string& message) override {
        (level == fstack::LogLevel::Warning ? warnings : others).push_back(message);
    }
    std::vector<std::string> warnings, others;
};

TEST(ListFrames, NaturalOrderSkippingSidecarsAndHiddenFiles) {
    TempDir dir;
    const cv::Mat image = full_range_image(8, 8, CV_8U, 3);
    for (const char* n : {"frame_10.png", "frame_2.png", "frame_1.png", "frame_02b.tif"})
        fstack::write_image(dir / n, image);
    fstack::write_image(dir / "frame_3.jpg", image);
    fstack::write_image(dir / ".hidden_0.png", image);  // a real image, but hidden: not a frame
    write_bytes(dir / "notes.txt", "focus rail 5 um\n");
    write_bytes(dir / "frame_1.xmp", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>\n");
    write_bytes(dir / "Thumbs.db", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0'));
    fs::create_directory(dir / "sub.png");  // a folder named like an image is not a frame

    RecordingProgress progress;
    const auto frames = fstack::list_frames(dir.path(), progress);
    std::vector<std::string> names;
    for (const auto& f : frames) names.push_back(f.filename().string());
    EXPECT_EQ(names, (std::vector<std::string>{"frame_1.png", "frame_2.png", "frame_02b.tif", "frame_3.jpg",
                                               "frame_10.png"}));
    for (const auto& f : frames) EXPECT_EQ(f.parent_path(), dir.path());

    ASSERT_EQ(progress.warnings.size(), 3u) << ::testing::PrintToString(progress.warnings);
    for (const char* skipped : {"notes.txt", "frame_1.xmp", "Thumbs.db"}) {
        const bool named = std::any_of(progress.warnings.begin(), progress.warnings.end(),
                                       [&](const std::string& w) { return contains(w, skipped); });
        EXPECT_TRUE(named) << "no warning names " << skipped;
    }
    for (const auto& w : progress.warnings) EXPECT_FALSE(contains(w, ".hidden_0.png")) << w;
}

TEST(ListFrames, EmptyFolderGivesNoFrames) {
    TempDir dir;
    EXPECT_TRUE(fstack::list_frames(dir.path()).empty());
}

TEST(ExpandInputs, FoldersBecomeFramesFilesKeepOrder) {
    TempDir dir;
    fs::create_directory(dir / "stack");
    const cv::Mat image = full_range_image(8, 8, CV_8U, 1);
    for (const char* n : {"b10.png", "b9.png"}) fstack::write_image(dir / "stack" / n, image);
    fstack::write_image(dir / "z.png", image);
    fstack::write_image(dir / "a.png", image);
    const auto out = fstack::expand_inputs({dir / "z.png", dir / "stack", dir / "a.png"});
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].filename(), "z.png");
    EXPECT_EQ(out[1].filename(), "b9.png");
    EXPECT_EQ(out[2].filename(), "b10.png");
    EXPECT_EQ(out[3].filename(), "a.png");
    const Error e = expect_error([&] { fstack::expand_inputs({dir / "missing.png"}); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "missing.png")) << e.what();
}

// ---------------------------------------------------------------------------------------------
// read_image_info

TEST(ImageInfo, AgreesWithDecodedImage) {
    TempDir dir;
    struct Case { const char* name; int depth, channels; };
    const Case cases[] = {
        {"g8.png", CV_8U, 1},  {"c8.png", CV_8U, 3},  {"a8.png", CV_8U, 4},  {"g16.png", CV_16U, 1},
        {"c16.png", CV_16U, 3}, {"a16.png", CV_16U, 4}, {"g8.tif", CV_8U, 1},  {"c8.tif", CV_8U, 3},
        {"a8.tif", CV_8U, 4},  {"g16.tif", CV_16U, 1}, {"c16.tif", CV_16U, 3}, {"a16.tif", CV_16U, 4},
        {"c8.jpg", CV_8U, 3},  {"g8.jpg", CV_8U, 1},  {"c16.jpg", CV_16U, 3},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const fs::path p = dir / c.name;
        fstack::write_image(p, full_range_image(45, 71, c.depth, c.channels));
        const fstack::ImageInfo info = fstack::read_image_info(p);
        const cv::Mat m = fstack::read_image(p);
        EXPECT_EQ(info.width, m.cols);
        EXPECT_EQ(info.height, m.rows);
        EXPECT_EQ(info.channels, m.channels());
        EXPECT_EQ(info.depth, m.depth());
        EXPECT_EQ(info.format, fstack::sniff_format(p));
        EXPECT_EQ(info.width, 71);
        EXPECT_EQ(info.height, 45);
    }
}

// ---------------------------------------------------------------------------------------------
// Damaged files

TEST(DamagedFiles, TruncatedJpegIsInputErrorSayingTruncated) {
    TempDir dir;
    const fs::path p = dir / "cut.jpg";
    fstack::write_image(p, smooth_image(240, 320));
    const std::string bytes = fstack::test::file_bytes(p);
    write_bytes(p, bytes.substr(0, bytes.size() / 2));
    const Error e = expect_error([&] { fstack::read_image(p, 5); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "truncated")) << e.what();
    EXPECT_EQ(e.frame_index(), 5);
}

TEST(DamagedFiles, CorruptPngIsInputError) {
    TempDir dir;
    const fs::path p = dir / "bad.png";
    fstack::write_image(p, full_range_image(64, 64, CV_8U, 3));
    std::string bytes = fstack::test::file_bytes(p);
    // Keep the signature and IHDR (33 bytes) so the header still looks right; scramble the rest.
    cv::RNG rng(3);
    for (size_t i = 33; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng.uniform(0, 256));
    write_bytes(p, bytes);
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Png);
    const Error e = expect_error([&] { fstack::read_image(p); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "PNG")) << e.what();
}

TEST(DamagedFiles, CorruptTiffIsInputError) {
    TempDir dir;
    const fs::path p = dir / "bad.tif";
    write_bytes(p, std::string("II*\0", 4) + std::string("\xFF\xFF\xFF\x7F", 4) + std::string(64, 'x'));
    EXPECT_EQ(fstack::sniff_format(p), FileFormat::Tiff);
    const Error e = expect_error([&] { fstack::read_image(p); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    const Error info = expect_error([&] { fstack::read_image_info(p); });
    EXPECT_EQ(info.kind(), ErrorKind::Input);
}

TEST(DamagedFiles, EmptyFileIsInputError) {
    TempDir dir;
    const fs::path p = dir / "empty.png";
    write_bytes(p, "");
    const Error e = expect_error([&] { fstack::read_image(p); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "empty")) << e.what();
    const Error info = expect_error([&] { fstack::read_image_info(p); });
    EXPECT_EQ(info.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(info.what(), p.string())) << info.what();
}

// ---------------------------------------------------------------------------------------------
// Metadata, checked with exiv2

struct ExivInit {
    ExivInit() {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
    }
};
const ExivInit exiv_init;

void put_be32(std::vector<unsigned char>& b, size_t at, uint32_t v) {
    b[at] = v >> 24; b[at + 1] = (v >> 16) & 0xFF; b[at + 2] = (v >> 8) & 0xFF; b[at + 3] = v & 0xFF;
}
void put_tag(std::vector<unsigned char>& b, size_t at, const char* sig) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<unsigned char>(sig[i]);
}
uint32_t s15(double v) { return static_cast<uint32_t>(static_cast<int32_t>(std::lround(v * 65536.0))); }

// A small but well-formed ICC v2 display profile (sRGB primaries, gamma 2.2): the system has
// no .icc files to borrow, and libpng/exiv2 check the header, so random bytes would not do.
std::vector<unsigned char> make_icc_profile() {
    std::vector<unsigned char> b(128, 0);
    const auto append = [&](std::vector<unsigned char> data) {
        while (b.size() % 4) b.push_back(0);
        const size_t at = b.size();
        b.insert(b.end(), data.begin(), data.end());
        return std::make_pair(static_cast<uint32_t>(at), static_cast<uint32_t>(data.size()));
    };
    const auto xyz = [](double X, double Y, double Z) {
        std::vector<unsigned char> d(20, 0);
        put_tag(d, 0, "XYZ ");
        put_be32(d, 8, s15(X)); put_be32(d, 12, s15(Y)); put_be32(d, 16, s15(Z));
        return d;
    };
    const std::string description = "fstack test profile";
    std::vector<unsigned char> desc(12 + description.size() + 1 + 4 + 4 + 2 + 1 + 67, 0);
    put_tag(desc, 0, "desc");
    put_be32(desc, 8, static_cast<uint32_t>(description.size() + 1));
    std::copy(description.begin(), description.end(), desc.begin() + 12);
    std::vector<unsigned char> cprt(8, 0);
    put_tag(cprt, 0, "text");
    for (char ch : std::string("No copyright, use freely")) cprt.push_back(static_cast<unsigned char>(ch));
    cprt.push_back(0);
    std::vector<unsigned char> curve(14, 0);
    put_tag(curve, 0, "curv");
    put_be32(curve, 8, 1);
    curve[12] = 2; curve[13] = 0x33;  // u8Fixed8 2.2

    struct Tag { const char* sig; std::vector<unsigned char> data; };
    const std::vector<Tag> tags = {
        {"desc", desc}, {"cprt", cprt}, {"wtpt", xyz(0.9642, 1.0, 0.8249)},
        {"rXYZ", xyz(0.4361, 0.2225, 0.0139)}, {"gXYZ", xyz(0.3851, 0.7169, 0.0971)},
        {"bXYZ", xyz(0.1431, 0.0606, 0.7141)}, {"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
    };
    b.resize(128 + 4 + 12 * tags.size(), 0);
    put_be32(b, 128, static_cast<uint32_t>(tags.size()));
    for (size_t i = 0; i < tags.size(); ++i) {
        const auto [offset, size] = append(tags[i].data);
        const size_t entry = 132 + 12 * i;
        put_tag(b, entry, tags[i].sig);
        put_be32(b, entry + 4, offset);
        put_be32(b, entry + 8, size);
    }
    while (b.size() % 4) b.push_back(0);
    put_be32(b, 0, static_cast<uint32_t>(b.size()));
    put_be32(b, 8, 0x02100000);  // version 2.1
    put_tag(b, 12, "mntr");
    put_tag(b, 16, "RGB ");
    put_tag(b, 20, "XYZ ");
    const uint16_t date[6] = {2024, 1, 1, 0, 0, 0};
    for (int i = 0; i < 6; ++i) { b[24 + 2 * i] = date[i] >> 8; b[25 + 2 * i] = date[i] & 0xFF; }
    put_tag(b, 36, "acsp");
    put_be32(b, 68, s15(0.9642)); put_be32(b, 72, s15(1.0)); put_be32(b, 76, s15(0.8249));
    return b;
}

// Gives an existing image EXIF (Make, ISO, Orientation), an XMP title and optionally an ICC profile.
void add_metadata(const fs::path& p, int orientation = 1, const std::vector<unsigned char>* icc = nullptr) {
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

struct ReadBack {
    bool ok = false;
    std::string make, title;
    long iso = -1, orientation = -1;
    std::vector<unsigned char> icc;
};

ReadBack read_metadata(const fs::path& p) {
    ReadBack r;
    auto image = Exiv2::ImageFactory::open(p.string());
    if (!image.get()) return r;
    image->readMetadata();
    const Exiv2::ExifData& exif = image->exifData();
    auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Make"));
    if (it != exif.end()) r.make = it->toString();
    it = exif.findKey(Exiv2::ExifKey("Exif.Photo.ISOSpeedRatings"));
    if (it != exif.end()) r.iso = it->toLong();
    it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
    if (it != exif.end()) r.orientation = it->toLong();
    const Exiv2::XmpData& xmp = image->xmpData();
    auto x = xmp.findKey(Exiv2::XmpKey("Xmp.dc.title"));
    if (x != xmp.end()) r.title = x->toString();
    if (image->iccProfileDefined()) {
        const Exiv2::DataBuf* icc = image->iccProfile();
        r.icc.assign(icc->pData_, icc->pData_ + icc->size_);
    }
    r.ok = true;
    return r;
}

TEST(Metadata, ExifXmpAndIccSurviveIntoEveryFormat) {
    TempDir dir;
    const fs::path source = dir / "source.jpg";
    fstack::write_image(source, smooth_image(120, 160));
    const std::vector<unsigned char> icc = make_icc_profile();
    add_metadata(source, 1, &icc);
    {
        const ReadBack s = read_metadata(source);
        ASSERT_EQ(s.make, "fstack-test");
        ASSERT_EQ(s.iso, 400);
        ASSERT_EQ(s.icc, icc) << "exiv2 did not store the test's ICC profile in the source";
    }

    fstack::WriteOptions o;
    o.metadata_source = source;
    cv::Mat image16;
    full_range_image(120, 160, CV_16U, 3).copyTo(image16);
    const cv::Mat image8 = full_range_image(120, 160, CV_8U, 3);
    struct Out { const char* name; const cv::Mat* image; bool lossless; };
    const Out outs[] = {{"out8.jpg", &image8, false}, {"out8.png", &image8, true}, {"out8.tif", &image8, true},
                        {"out16.png", &image16, true}, {"out16.tif", &image16, true}};
    for (const Out& out : outs) {
        SCOPED_TRACE(out.name);
        const fs::path p = dir / out.name;
        fstack::write_image(p, *out.image, o);
        const ReadBack r = read_metadata(p);
        ASSERT_TRUE(r.ok);
        EXPECT_EQ(r.make, "fstack-test");
        EXPECT_EQ(r.iso, 400);
        EXPECT_EQ(r.orientation, 1);
        EXPECT_TRUE(contains(r.title, "fstack round trip")) << "title: " << r.title;
        EXPECT_EQ(r.icc, icc) << "ICC profile lost or altered (" << r.icc.size() << " bytes back)";
        // exiv2 rewrites PNG chunks and whole TIFF structures: the pixels must survive it.
        if (out.lossless) expect_identical(*out.image, fstack::read_image(p));
        else EXPECT_EQ(fstack::read_image(p).size(), out.image->size());
    }
}

TEST(Metadata, NoSourceMeansNoExif) {
    TempDir dir;
    fstack::write_image(dir / "plain.png", full_range_image(16, 16, CV_8U, 3));
    const ReadBack r = read_metadata(dir / "plain.png");
    EXPECT_TRUE(r.make.empty());
    EXPECT_EQ(r.iso, -1);
}

TEST(Metadata, OrientationIsAppliedAndResetOnCopy) {
    TempDir dir;
    const fs::path p = dir / "rotated.jpg";
    const int W = 96, H = 48;
    fstack::write_image(p, smooth_image(H, W));
    // Reference pixels: the same decoder before any orientation tag exists.
    const cv::Mat stored = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(stored.size(), cv::Size(W, H));
    add_metadata(p, 6);
    ASSERT_EQ(read_metadata(p).orientation, 6);

    const cv::Mat upright = fstack::read_image(p);
    ASSERT_EQ(upright.cols, H);
    ASSERT_EQ(upright.rows, W);
    cv::Mat expected;
    cv::rotate(stored, expected, cv::ROTATE_90_CLOCKWISE);  // orientation 6: rotate 90 degrees clockwise to view
    expect_identical(expected, upright);
    const fstack::ImageInfo info = fstack::read_image_info(p);
    EXPECT_EQ(info.width, H);
    EXPECT_EQ(info.height, W);

    // The stacked result is stored upright: its copied metadata must not rotate it again.
    fstack::WriteOptions o;
    o.metadata_source = p;
    for (const char* name : {"out.png", "out.jpg", "out.tif"}) {
        SCOPED_TRACE(name);
        fstack::write_image(dir / name, upright, o);
        const ReadBack r = read_metadata(dir / name);
        EXPECT_EQ(r.orientation, 1);
        EXPECT_EQ(r.make, "fstack-test");
        const cv::Mat back = fstack::read_image(dir / name);
        EXPECT_EQ(back.size(), upright.size());
        const fstack::ImageInfo out_info = fstack::read_image_info(dir / name);
        EXPECT_EQ(out_info.width, H);
        EXPECT_EQ(out_info.height, W);
    }
    expect_identical(upright, fstack::read_image(dir / "out.png"));
}

// ---------------------------------------------------------------------------------------------
// Atomic writes

std::vector<std::string> temporaries_in(const fs::path& dir) {
    std::vector<std::string> left;
    for (const auto& n : names_in(dir))
        if (contains(n, "fstack-tmp")) left.push_back(n);
    return left;
}

TEST(AtomicWrite, MissingFolderIsOutputErrorAndLeavesNothing) {
    TempDir dir;
    const fs::path folder = dir / "not-there";
    const Error e = expect_error([&] { fstack::write_image(folder / "out.png", smooth_image(8, 8)); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), folder.string())) << e.what();
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(AtomicWrite, NoOverwriteKeepsTheExistingFile) {
    TempDir dir;
    const fs::path p = dir / "keep.png";
    fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 1));
    const std::string before = fstack::test::file_bytes(p);
    fstack::WriteOptions o;
    o.overwrite = false;
    const Error e = expect_error([&] { fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 2), o); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_EQ(fstack::test::file_bytes(p), before);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"keep.png"});

    // The default replaces it, and a new name is fine with overwrite=false.
    fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 2));
    EXPECT_NE(fstack::test::file_bytes(p), before);
    fstack::write_image(dir / "new.png", full_range_image(16, 16, CV_8U, 3, 2), o);
    EXPECT_TRUE(fs::exists(dir / "new.png"));
}

TEST(AtomicWrite, NoTemporariesRemain) {
    TempDir dir;
    const fs::path source = dir / "src.jpg";
    fstack::write_image(source, smooth_image(32, 32));
    add_metadata(source);
    fstack::WriteOptions meta;
    meta.metadata_source = source;
    for (const char* n : {"a.png", "b.tif", "c.jpg", "d.tiff", "e.jpeg"}) {
        fstack::write_image(dir / n, smooth_image(32, 32));
        fstack::write_image(dir / n, smooth_image(32, 32), meta);  // replaces, with exiv2 at work
    }
    // An encoder failure half-way (libjpeg refuses images wider than 65500 pixels after the
    // temporary file was opened) must leave neither the target nor the temporary.
    const Error e = expect_error([&] { fstack::write_image(dir / "f.jpg", cv::Mat(2, 70000, CV_8UC1, cv::Scalar(9))); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), "f.jpg")) << e.what();
    EXPECT_TRUE(temporaries_in(dir.path()).empty()) << ::testing::PrintToString(temporaries_in(dir.path()));
    EXPECT_FALSE(fs::exists(dir / "f.jpg"));
    EXPECT_EQ(names_in(dir.path()),
              (std::vector<std::string>{"a.png", "b.tif", "c.jpg", "d.tiff", "e.jpeg", "src.jpg"}));
}

TEST(AtomicWrite, NonImageMetadataSourceIsIgnored) {
    TempDir dir;
    // A metadata source without readable metadata is not an error: there is nothing to copy.
    const fs::path text = dir / "notes.txt";
    write_bytes(text, "not an image");
    fstack::WriteOptions o;
    o.metadata_source = text;
    fstack::write_image(dir / "ok.png", smooth_image(16, 16), o);
    EXPECT_TRUE(fs::exists(dir / "ok.png"));
    EXPECT_TRUE(temporaries_in(dir.path()).empty());
}

}  // namespace
