// SPDX-License-Identifier: GPL-3.0-or-later
// Image reading: the format sniffed from content, not name; read_image_info against the decoded
// image; missing, empty, truncated and corrupt files refused naming them.
#include <gtest/gtest.h>

#include <string>

#include <opencv2/core.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "io_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::io;

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

}  // namespace
