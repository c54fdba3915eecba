// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack` end to end: the real binary on small stacks made here (JPEG/PNG/TIFF, 8 and
// 16 bits, both stackers and their options), checked by exit code, messages and output files.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::cli;

// ---------------------------------------------------------------------------------------------
// Successful stacks

TEST(CliStack, EightBitJpegFolder) {
    TempDir tmp;
    make_stack(tmp / "in", 4);
    fs::create_directories(tmp / "out");
    const fs::path out = tmp / "out" / "result.jpg";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
    EXPECT_EQ(names_in(tmp / "out"), std::vector<std::string>{"result.jpg"});  // no temporaries
    // Not a terminal: plain progress lines, with the final count.
    EXPECT_TRUE(contains(r.output, "4/4")) << r.output;
}

TEST(CliStack, FilesListedOneByOne) {
    TempDir tmp;
    const auto frames = make_stack(tmp.path(), 3, ".png");
    const fs::path out = tmp / "result.png";
    const CommandResult r =
        fstack_cli({"stack", frames[0].string(), frames[1].string(), frames[2].string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

TEST(CliStack, SixteenBitPngGivesSixteenBitPng) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png", CV_16U);
    const fs::path out = tmp / "result.png";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_16U, 3);
}

TEST(CliStack, SixteenBitTiffGivesSixteenBitTiff) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".tif", CV_16U);
    const fs::path out = tmp / "result.tiff";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--compress"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_16U, 3);
}

TEST(CliStack, SixteenBitToJpegIsEightBit) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".tif", CV_16U);
    const fs::path out = tmp / "result.jpeg";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--quality", "80"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

TEST(CliStack, EightBitToTiffStaysEightBit) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png");
    const fs::path out = tmp / "result.tif";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

TEST(CliStack, DepthMapStackerWithOptions) {
    TempDir tmp;
    make_stack(tmp / "in", 4, ".png");
    const fs::path out = tmp / "result.png";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--stacker",
                                        "depthmap", "--map-type", "average", "--energy", "sobel", "--kernel-size",
                                        "3", "--blur-size", "7", "--denoise", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

TEST(CliStack, PyramidOptions) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png");
    const fs::path out = tmp / "result.png";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--pyramid-min-size",
                                        "16", "--kernel-size", "4", "--gen-kernel", "0.375", "--no-cross-scale"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

TEST(CliStack, QuietPrintsNothing) {
    TempDir tmp;
    make_stack(tmp / "in", 3);
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string(), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "");
}

TEST(CliStack, NonImagesInFolderAreSkippedWithWarning) {
    TempDir tmp;
    make_stack(tmp / "in", 3);
    std::ofstream(tmp / "in" / "notes.txt") << "shot at f/2.8\n";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "warning:")) << r.output;
    EXPECT_TRUE(contains(r.output, "notes.txt")) << r.output;
    expect_image(tmp / "r.jpg", CV_8U, 3);
}

TEST(CliStack, OverwriteReplacesExistingOutput) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png");
    const fs::path out = tmp / "r.png";
    std::ofstream(out) << "old";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--overwrite"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(out, CV_8U, 3);
}

// Puts a minimal EXIF block (IFD0 with only a Make tag) right after the SOI marker of a JPEG.
void add_exif_make(const fs::path& jpeg, const std::string& make) {
    std::string tiff = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4);  // header, IFD0 at 8
    const auto u16 = [](unsigned v) { return std::string{char(v & 0xFF), char(v >> 8)}; };
    const auto u32 = [&](unsigned v) { return u16(v & 0xFFFF) + u16(v >> 16); };
    const std::string value = make + '\0';
    tiff += u16(1) + u16(0x010F) + u16(2) + u32(unsigned(value.size())) + u32(8 + 2 + 12 + 4) + u32(0) + value;
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const unsigned length = unsigned(payload.size() + 2);
    const std::string app1 = std::string("\xFF\xE1", 2) + char(length >> 8) + char(length & 0xFF) + payload;
    std::string bytes = fstack::test::file_bytes(jpeg);
    bytes.insert(2, app1);
    fstack::test::write_bytes(jpeg, bytes);
}

TEST(CliStack, MetadataOfFirstFrameIsCopied) {
    TempDir tmp;
    const auto frames = make_stack(tmp / "in", 3);
    add_exif_make(frames[0], "FstackTestCamera");
    ASSERT_TRUE(contains(fstack::test::file_bytes(frames[0]), "FstackTestCamera"));
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(fstack::test::file_bytes(tmp / "r.jpg"), "FstackTestCamera"));

    const CommandResult bare =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "bare.jpg").string(), "--no-metadata"});
    ASSERT_EQ(bare.exit_code, 0) << bare.output;
    EXPECT_FALSE(contains(fstack::test::file_bytes(tmp / "bare.jpg"), "FstackTestCamera"));
}

}  // namespace
