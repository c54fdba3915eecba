// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of the `fstack` executable: the real binary on small stacks made here, checked
// by exit code, messages and the files it leaves (or must not leave) behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::CommandResult;
using fstack::test::fstack_cli;
using fstack::test::TempDir;

constexpr int kWidth = 160, kHeight = 120;

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A textured scene; frame k of n is sharp in the k-th vertical stripe only, as if the focus
// plane swept across it.
cv::Mat scene() {
    cv::Mat noise(kHeight, kWidth, CV_8UC3);
    cv::RNG rng(1234);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::GaussianBlur(noise, image, cv::Size(3, 3), 0.7);
    for (int x = 0; x < kWidth; x += 16) cv::line(image, {x, 0}, {x + 40, kHeight}, cv::Scalar(255, 255, 255), 1);
    return image;
}

cv::Mat frame_of(const cv::Mat& sharp, int k, int n) {
    cv::Mat frame;
    cv::GaussianBlur(sharp, frame, cv::Size(0, 0), 3.0);
    const int x0 = kWidth * k / n, x1 = kWidth * (k + 1) / n;
    sharp(cv::Rect(x0, 0, x1 - x0, kHeight)).copyTo(frame(cv::Rect(x0, 0, x1 - x0, kHeight)));
    return frame;
}

// Writes n frames "frame_01<ext>".. into dir and returns their paths. 16-bit frames get real
// 16-bit values (not just 8-bit ones times 257).
std::vector<fs::path> make_stack(const fs::path& dir, int n, const std::string& ext = ".jpg", int depth = CV_8U) {
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

cv::Mat read_back(const fs::path& p) { return cv::imread(p.string(), cv::IMREAD_UNCHANGED); }

void expect_image(const fs::path& p, int depth, int channels) {
    ASSERT_TRUE(fs::exists(p)) << p;
    const cv::Mat m = read_back(p);
    ASSERT_FALSE(m.empty()) << p;
    EXPECT_EQ(m.cols, kWidth);
    EXPECT_EQ(m.rows, kHeight);
    EXPECT_EQ(m.depth(), depth) << p;
    EXPECT_EQ(m.channels(), channels) << p;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------
// Help and version

TEST(CliHelp, RootHelpListsExitCodes) {
    const CommandResult r = fstack_cli({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "Exit codes")) << r.output;
    EXPECT_TRUE(contains(r.output, "130")) << r.output;
    EXPECT_TRUE(contains(r.output, "stack")) << r.output;
}

TEST(CliHelp, StackHelpListsExitCodesAndOptions) {
    const CommandResult r = fstack_cli({"stack", "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (const char* s : {"Exit codes", "--pyramid-min-size", "--kernel-size", "--gen-kernel", "--map-type",
                          "--energy", "--blur-size", "--smooth-size", "--bunch", "--overlap", "--depth-map",
                          "--overwrite", "--quiet", "=32", "=0.4"})
        EXPECT_TRUE(contains(r.output, s)) << s << "\n" << r.output;
}

TEST(CliHelp, Version) {
    const CommandResult r = fstack_cli({"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "fstack ")) << r.output;
}

TEST(CliHelp, NoSubcommandIsUsageError) {
    EXPECT_EQ(fstack_cli({}).exit_code, 2);
}

TEST(CliHelp, UnknownCommandIsNamed) {
    const CommandResult r = fstack_cli({"stak", "a.jpg"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "'stak'")) << r.output;
}

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

// ---------------------------------------------------------------------------------------------
// Bunches and depth maps

TEST(CliBunch, SevenFramesBunchesOfThreeOverlapOne) {
    TempDir tmp;
    make_stack(tmp / "in", 7);
    const fs::path out = tmp / "bunches";  // created by fstack
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--bunch", "3", "--overlap", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // [1..3], [3..5], [5..7]: named after each bunch's first frame, in the frames' format.
    EXPECT_EQ(names_in(out), (std::vector<std::string>{"frame_01.jpg", "frame_03.jpg", "frame_05.jpg"}));
    for (const auto& name : names_in(out)) expect_image(out / name, CV_8U, 3);
}

TEST(CliBunch, FormatAndPostfixAndSingleFrameTail) {
    TempDir tmp;
    make_stack(tmp / "in", 7, ".png", CV_16U);
    const fs::path out = tmp / "bunches";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", out.string(), "--bunch", "3",
                                        "--format", "tif", "--postfix", "_stack"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // [1..3], [4..6], [7]: the lone last frame is written unchanged, with a warning.
    EXPECT_EQ(names_in(out),
              (std::vector<std::string>{"frame_01_stack.tif", "frame_04_stack.tif", "frame_07_stack.tif"}));
    for (const auto& name : names_in(out)) expect_image(out / name, CV_16U, 3);
    EXPECT_TRUE(contains(r.output, "warning:")) << r.output;
}

TEST(CliBunch, OverlapNotBelowBunchIsUsageError) {
    TempDir tmp;
    make_stack(tmp / "in", 4);
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "b").string(), "--bunch", "3", "--overlap", "3"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_FALSE(fs::exists(tmp / "b"));
}

TEST(CliBunch, ExistingBunchOutputRefusedBeforeAnyWork) {
    TempDir tmp;
    make_stack(tmp / "in", 7);
    fs::create_directories(tmp / "b");
    std::ofstream(tmp / "b" / "frame_05.jpg") << "keep me";
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "b").string(), "--bunch", "3", "--overlap", "1"});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_EQ(names_in(tmp / "b"), std::vector<std::string>{"frame_05.jpg"});
    EXPECT_EQ(fstack::test::file_bytes(tmp / "b" / "frame_05.jpg"), "keep me");
}

TEST(CliBunch, OutputFolderEqualToInputFolderRefused) {
    TempDir tmp;
    make_stack(tmp / "in", 4, ".png");
    const auto before = names_in(tmp / "in");
    const std::string bytes = fstack::test::file_bytes(tmp / "in" / "frame_01.png");
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "in").string(), "--bunch", "2", "--overwrite"});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_EQ(names_in(tmp / "in"), before);
    EXPECT_EQ(fstack::test::file_bytes(tmp / "in" / "frame_01.png"), bytes);
}

TEST(CliDepthMap, EightBitGreyPng) {
    TempDir tmp;
    make_stack(tmp / "in", 4);
    const fs::path dm = tmp / "depth.png";
    const CommandResult r =
        fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string(), "--depth-map", dm.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(tmp / "r.jpg", CV_8U, 3);
    expect_image(dm, CV_8U, 1);
    // Near (first frame, left stripe) is dark, far (last frame, right stripe) is bright.
    const cv::Mat m = read_back(dm);
    const double left = cv::mean(m(cv::Rect(5, 10, 20, 100)))[0];
    const double right = cv::mean(m(cv::Rect(kWidth - 25, 10, 20, 100)))[0];
    EXPECT_LT(left, right);
}

TEST(CliDepthMap, SixteenBitTiffWithDepthMapStacker) {
    TempDir tmp;
    make_stack(tmp / "in", 3, ".png");
    const fs::path dm = tmp / "depth.tif";
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.png").string(), "--stacker",
                                        "depthmap", "--depth-map", dm.string(), "--depth-map-bits", "16"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_image(dm, CV_16U, 1);
}

TEST(CliDepthMap, SixteenBitJpegIsUsageError) {
    TempDir tmp;
    make_stack(tmp / "in", 3);
    const CommandResult r = fstack_cli({"stack", (tmp / "in").string(), "-o", (tmp / "r.jpg").string(),
                                        "--depth-map", (tmp / "d.jpg").string(), "--depth-map-bits", "16"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_FALSE(fs::exists(tmp / "r.jpg"));
}

// ---------------------------------------------------------------------------------------------
// Input errors: exit 3, the culprit named, nothing written.

class CliFailure : public ::testing::Test {
protected:
    void SetUp() override { fs::create_directories(out_dir()); }
    fs::path out_dir() const { return tmp_ / "out"; }
    fs::path out() const { return out_dir() / "result.jpg"; }
    // No file at OUT and no temporary left beside it.
    void expect_nothing_written() const { EXPECT_EQ(names_in(out_dir()), std::vector<std::string>{}); }
    TempDir tmp_;
};

TEST_F(CliFailure, EmptyFolder) {
    fs::create_directories(tmp_ / "empty");
    const CommandResult r = fstack_cli({"stack", (tmp_ / "empty").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (tmp_ / "empty").string())) << r.output;
    EXPECT_TRUE(contains(r.output, "fstack: error:")) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, FolderWithOnlyNonImages) {
    fs::create_directories(tmp_ / "docs");
    std::ofstream(tmp_ / "docs" / "readme.txt") << "nothing to see";
    const CommandResult r = fstack_cli({"stack", (tmp_ / "docs").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (tmp_ / "docs").string())) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, OneFrame) {
    const auto frames = make_stack(tmp_ / "in", 1);
    const CommandResult r = fstack_cli({"stack", frames[0].string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, "at least 2")) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, FolderWithOneFrame) {
    make_stack(tmp_ / "in", 1);
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (tmp_ / "in").string())) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, MissingFrame) {
    const auto frames = make_stack(tmp_ / "in", 2);
    const fs::path missing = tmp_ / "in" / "frame_99.jpg";
    const CommandResult r =
        fstack_cli({"stack", frames[0].string(), frames[1].string(), missing.string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, missing.string())) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, TruncatedJpeg) {
    const auto frames = make_stack(tmp_ / "in", 4);
    const std::string bytes = fstack::test::file_bytes(frames[2]);
    fstack::test::write_bytes(frames[2], bytes.substr(0, bytes.size() / 2));
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, frames[2].string())) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, CorruptJpegGivenByName) {
    const auto frames = make_stack(tmp_ / "in", 2);
    const fs::path bad = tmp_ / "in" / "frame_03.jpg";
    std::ofstream(bad, std::ios::binary) << "this is not a JPEG at all";
    const CommandResult r =
        fstack_cli({"stack", frames[0].string(), frames[1].string(), bad.string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, bad.string())) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, FramesOfDifferentSizes) {
    const auto frames = make_stack(tmp_ / "in", 3);
    cv::Mat small;
    cv::resize(cv::imread(frames[1].string()), small, cv::Size(kWidth / 2, kHeight / 2));
    ASSERT_TRUE(cv::imwrite(frames[1].string(), small));
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, frames[1].string())) << r.output;
    expect_nothing_written();
}

// ---------------------------------------------------------------------------------------------
// Output errors: exit 4, nothing written, inputs untouched.

TEST_F(CliFailure, OutputFolderMissing) {
    make_stack(tmp_ / "in", 3);
    const fs::path bad = tmp_ / "no_such_folder" / "r.jpg";
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", bad.string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_FALSE(fs::exists(tmp_ / "no_such_folder"));
}

TEST_F(CliFailure, OutputFolderIsAFile) {
    make_stack(tmp_ / "in", 3);
    std::ofstream(out_dir() / "file") << "x";
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", (out_dir() / "file" / "r.jpg").string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_EQ(names_in(out_dir()), std::vector<std::string>{"file"});
}

TEST_F(CliFailure, OutputFolderReadOnly) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
    make_stack(tmp_ / "in", 3);
    fs::permissions(out_dir(), fs::perms::owner_read | fs::perms::owner_exec);
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string()});
    fs::permissions(out_dir(), fs::perms::owner_all);
    EXPECT_EQ(r.exit_code, 4) << r.output;
    expect_nothing_written();
}

TEST_F(CliFailure, OutputIsAnInputFrame) {
    const auto frames = make_stack(tmp_ / "in", 3);
    const std::string before = fstack::test::file_bytes(frames[1]);
    for (const bool overwrite : {false, true}) {
        std::vector<std::string> args = {"stack", (tmp_ / "in").string(), "-o", frames[1].string()};
        if (overwrite) args.push_back("--overwrite");
        const CommandResult r = fstack_cli(args);
        EXPECT_EQ(r.exit_code, 4) << r.output;
        EXPECT_TRUE(contains(r.output, frames[1].string())) << r.output;
        EXPECT_EQ(fstack::test::file_bytes(frames[1]), before);
        EXPECT_EQ(names_in(tmp_ / "in"), (std::vector<std::string>{"frame_01.jpg", "frame_02.jpg", "frame_03.jpg"}));
    }
}

TEST_F(CliFailure, OutputIsAnInputFrameThroughAnotherSpelling) {
    const auto frames = make_stack(tmp_ / "in", 3);
    const std::string before = fstack::test::file_bytes(frames[0]);
    const fs::path odd = tmp_ / "in" / ".." / "in" / "." / "frame_01.jpg";
    fs::create_symlink(frames[0], out_dir() / "link.jpg");
    fs::create_hard_link(frames[0], out_dir() / "hard.jpg");
    for (const fs::path& o : {odd, out_dir() / "link.jpg", out_dir() / "hard.jpg"}) {
        const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", o.string(), "--overwrite"});
        EXPECT_EQ(r.exit_code, 4) << o << "\n" << r.output;
        EXPECT_EQ(fstack::test::file_bytes(frames[0]), before);
    }
    EXPECT_EQ(names_in(out_dir()), (std::vector<std::string>{"hard.jpg", "link.jpg"}));
}

TEST_F(CliFailure, ExistingOutputWithoutOverwrite) {
    make_stack(tmp_ / "in", 3);
    std::ofstream(out()) << "precious";
    const CommandResult r = fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_TRUE(contains(r.output, "--overwrite")) << r.output;
    EXPECT_EQ(fstack::test::file_bytes(out()), "precious");
    EXPECT_EQ(names_in(out_dir()), std::vector<std::string>{"result.jpg"});
}

TEST_F(CliFailure, ExistingDepthMapWithoutOverwrite) {
    make_stack(tmp_ / "in", 3);
    const fs::path dm = out_dir() / "depth.png";
    std::ofstream(dm) << "precious";
    const CommandResult r =
        fstack_cli({"stack", (tmp_ / "in").string(), "-o", out().string(), "--depth-map", dm.string()});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_EQ(fstack::test::file_bytes(dm), "precious");
    EXPECT_EQ(names_in(out_dir()), std::vector<std::string>{"depth.png"});
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C: exit 130, no output, no temporary file.

TEST_F(CliFailure, InterruptedLeavesNothing) {
    // Big enough frames that the stack is still running when the signal comes.
    fs::create_directories(tmp_ / "in");
    cv::Mat noise(1200, 1600, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    for (int k = 0; k < 10; ++k)
        ASSERT_TRUE(cv::imwrite((tmp_ / "in" / ("f" + std::to_string(k) + ".png")).string(), noise,
                                {cv::IMWRITE_PNG_COMPRESSION, 0}));

    // The first progress line proves that the handler is installed and stacking has begun.
    fstack::test::SignalledRun run;
    ASSERT_NO_FATAL_FAILURE(fstack::test::run_cli_and_signal({"stack", (tmp_ / "in").string(), "-o", out().string()},
                                                             ": 1/", SIGINT, run));
    const std::string& output = run.output;
    const int status = run.status;
    ASSERT_TRUE(run.sent) << output;
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 130) << output;
    EXPECT_TRUE(contains(output, "interrupted")) << output;
    expect_nothing_written();
}

// ---------------------------------------------------------------------------------------------
// Usage errors: exit 2 before any work.

TEST_F(CliFailure, UsageErrors) {
    make_stack(tmp_ / "in", 3);
    const std::string in = (tmp_ / "in").string(), o = out().string();
    const std::vector<std::vector<std::string>> cases = {
        {"stack", in, "-o", (out_dir() / "r.bmp").string()},     // unknown output format
        {"stack", in, "-o", (out_dir() / "noext").string()},     // no extension
        {"stack", in},                                           // no output
        {"stack", "-o", o},                                      // no input
        {"stack", in, "-o", o, "--no-such-option"},
        {"stack", in, "-o", o, "--stacker", "magic"},
        {"stack", in, "-o", o, "--quality", "101"},
        {"stack", in, "-o", o, "--kernel-size", "0"},
        {"stack", in, "-o", o, "--gen-kernel", "0.5"},
        {"stack", in, "-o", o, "--pyramid-min-size", "2"},
        {"stack", in, "-o", o, "--denoise", "-1"},
        {"stack", in, "-o", o, "--stacker", "depthmap", "--kernel-size", "4"},
        {"stack", in, "-o", o, "--stacker", "depthmap", "--gen-kernel", "0.3"},  // pyramid-only option
        {"stack", in, "-o", o, "--map-type", "max"},                            // depthmap-only option
        {"stack", in, "-o", o, "--overlap", "1"},                               // needs --bunch
        {"stack", in, "-o", (out_dir() / "b").string(), "--bunch", "1"},
        {"stack", in, "-o", (out_dir() / "b.jpg").string(), "--bunch", "2"},   // bunch OUT is a folder
        {"stack", in, "-o", (out_dir() / "b").string(), "--bunch", "2", "--depth-map", (out_dir() / "d.png").string()},
        {"stack", in, "-o", o, "--depth-map", (out_dir() / "d.bmp").string()},
        {"stack", in, "-o", o, "--depth-map-bits", "12", "--depth-map", (out_dir() / "d.png").string()},
    };
    for (const auto& args : cases) {
        const CommandResult r = fstack_cli(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, "error")) << joined << "\n" << r.output;
        expect_nothing_written();
    }
}

}  // namespace
