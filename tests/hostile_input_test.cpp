// SPDX-License-Identifier: GPL-3.0-or-later
// The hostile-input folder of issue 7, through the real `fstack` binary: each kind of damaged,
// odd or unreadable input gives its documented message and exit code, never a crash, never a
// change to any input (checked byte for byte, with modes and link targets), never an output.
// Under scripts/sanitize.sh the binary is the ASan+UBSan one, and a sanitizer report fails here.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hostile_files.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
namespace hostile = fstack::test::hostile;
using fstack::test::CommandResult;
using fstack::test::contains;
using fstack::test::TempDir;

constexpr int kWidth = 160, kHeight = 120;

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Permission checks mean nothing to root: as root, run the CLI as nobody.
std::string as_unprivileged() { return ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- " : ""; }

CommandResult fstack_cli(const std::vector<std::string>& args, bool unprivileged = false) {
    std::string command = (unprivileged ? as_unprivileged() : "") + quote(fstack::test::cli_path());
    for (const std::string& a : args) command += " " + quote(a);
    return fstack::test::run_command(command);
}

// Everything under `root` but `skip`: names, types, modes, link targets and contents.
std::map<std::string, std::string> snapshot(const fs::path& root, const fs::path& skip) {
    std::map<std::string, std::string> state;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const fs::path p = it->path();
        if (p == skip) {
            it.disable_recursion_pending();
            continue;
        }
        const fs::file_status st = fs::symlink_status(p, ec);
        std::string v = std::to_string(int(st.type())) + ":" + std::to_string(int(st.permissions())) + ":";
        if (st.type() == fs::file_type::symlink) v += fs::read_symlink(p, ec).string();
        else if (st.type() == fs::file_type::regular) v += fstack::test::file_bytes(p);
        state[p.lexically_relative(root).string()] = v;
    }
    return state;
}

struct Outcome {
    int exit_code;
    std::vector<std::string> messages;  // each must appear in the output
};

class HostileInput : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(in());
        fs::create_directories(out_dir());
        // A writable output folder for the runs as nobody; the inputs stay root's.
        fs::permissions(out_dir(), fs::perms::all);
        for (int k = 1; k <= 3; ++k) fstack::test::write_bytes(in() / ("frame_0" + std::to_string(k) + ".jpg"), good_jpeg(k));
    }
    void TearDown() override {
        std::error_code ec;
        for (auto& e : fs::recursive_directory_iterator(tmp_.path(), ec))
            fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }

    static std::string good_jpeg(int seed) { return hostile::encode(hostile::picture(kWidth, kHeight, seed), ".jpg"); }
    fs::path in() const { return tmp_ / "in"; }
    fs::path out_dir() const { return tmp_ / "out"; }
    fs::path out() const { return out_dir() / "result.tif"; }

    // Runs `fstack stack ARGS -o OUT` and checks the outcome, the inputs and the output folder.
    CommandResult expect(const std::vector<std::string>& inputs, const Outcome& want,
                         const std::vector<std::string>& extra = {}, bool unprivileged = false) {
        const auto before = snapshot(tmp_.path(), out_dir());
        std::vector<std::string> args = {"stack"};
        args.insert(args.end(), inputs.begin(), inputs.end());
        args.insert(args.end(), {"-o", out().string()});
        args.insert(args.end(), extra.begin(), extra.end());
        const CommandResult r = fstack_cli(args, unprivileged);
        EXPECT_EQ(r.exit_code, want.exit_code) << r.output;
        for (const std::string& m : want.messages) EXPECT_TRUE(contains(r.output, m)) << "'" << m << "' missing in:\n" << r.output;
        // No crash, no sanitizer report.
        for (const char* bad : {"Sanitizer", "runtime error:", "terminate called"})
            EXPECT_FALSE(contains(r.output, bad)) << r.output;
        EXPECT_EQ(snapshot(tmp_.path(), out_dir()), before) << "an input changed";
        std::vector<std::string> written;
        for (const auto& e : fs::directory_iterator(out_dir())) written.push_back(e.path().filename().string());
        if (want.exit_code == 0) EXPECT_EQ(written, std::vector<std::string>{"result.tif"});
        else EXPECT_EQ(written, std::vector<std::string>{}) << "partial output or temporary left";
        return r;
    }

    std::string frame(int k) const { return (in() / ("frame_0" + std::to_string(k) + ".jpg")).string(); }

    TempDir tmp_{"fstack-hostile"};
};

// ---------------------------------------------------------------------------------------------
// Damaged image files: exit 3, the file named, the reason said.

TEST_F(HostileInput, EmptyFileWithImageName) {
    fstack::test::write_bytes(in() / "frame_04.jpg", "");
    expect({in().string()}, {3, {"frame_04.jpg", "the file is empty"}});
}

TEST_F(HostileInput, TruncatedJpegPngTiff) {
    const cv::Mat p = hostile::picture(kWidth, kHeight, 9);
    const std::string jpeg = hostile::encode(p, ".jpg"), png = hostile::encode(p, ".png", 0),
                      tiff = hostile::encode(p, ".tif");
    struct Case { const char* name; std::string bytes; const char* reason; };
    for (const Case& c : {Case{"frame_04.jpg", jpeg.substr(0, jpeg.size() * 2 / 3), "truncated JPEG"},
                          Case{"frame_04.png", png.substr(0, png.size() * 2 / 3), "corrupt PNG"},
                          Case{"frame_04.tif", tiff.substr(0, tiff.size() * 2 / 3), "corrupt"}}) {
        SCOPED_TRACE(c.name);
        fstack::test::write_bytes(in() / c.name, c.bytes);
        expect({in().string()}, {3, {c.name, c.reason}});
        fs::remove(in() / c.name);
    }
}

TEST_F(HostileInput, TruncatedJpegWithAThumbnailIsStillTruncated) {
    // The EXIF thumbnail ends with its own end marker: the walk must not take it for the picture's.
    const std::string thumbnail = hostile::encode(hostile::picture(32, 24, 3), ".jpg");
    const std::string jpeg = hostile::jpeg_with_app1(good_jpeg(4), std::string("Exif\0\0", 6) + thumbnail);
    fstack::test::write_bytes(in() / "frame_04.jpg", jpeg.substr(0, jpeg.size() - 200));
    expect({in().string()}, {3, {"frame_04.jpg", "truncated JPEG"}});
}

TEST_F(HostileInput, MotionPhotosStackLikeTheirPictures) {
    // A phone's motion photo is a complete JPEG with a video after its end marker; the video is
    // ignored, even where it was cut short in copying. The result is the pictures' stack.
    expect({in().string()}, {0, {}});
    const cv::Mat plain = cv::imread(out().string(), cv::IMREAD_UNCHANGED);
    fs::remove(out());
    for (int k = 1; k <= 3; ++k) {
        std::string video = hostile::motion_photo_video(4000, unsigned(k));
        if (k == 3) video.resize(1500);
        fstack::test::write_bytes(frame(k), good_jpeg(k) + video);
    }
    expect({in().string()}, {0, {}});
    const cv::Mat motion = cv::imread(out().string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(plain.empty());
    ASSERT_EQ(motion.size(), plain.size());
    EXPECT_EQ(cv::norm(motion, plain, cv::NORM_INF), 0.0);
}

TEST_F(HostileInput, RandomBytesWithImageExtension) {
    for (const char* name : {"frame_04.jpg", "frame_04.png", "frame_04.tiff"}) {
        SCOPED_TRACE(name);
        fstack::test::write_bytes(in() / name, hostile::random_bytes(5000, 4));
        expect({in().string()}, {3, {name, "not a JPEG, PNG or TIFF image, although its name says"}});
        fs::remove(in() / name);
    }
}

TEST_F(HostileInput, JpegWithCorruptEntropyData) {
    // Found only when the pixels are decoded (mid-stack): the run stops and writes nothing.
    fstack::test::write_bytes(in() / "frame_04.jpg", hostile::jpeg_with_corrupt_scan(good_jpeg(4)));
    expect({in().string()}, {3, {"frame_04.jpg", "corrupt JPEG", "part of the picture is damaged"}});
}

TEST_F(HostileInput, JpegMarkersAroundGarbage) {
    fstack::test::write_bytes(in() / "frame_04.jpg", "\xFF\xD8\xFF" + hostile::random_bytes(3000, 5) + "\xFF\xD9");
    expect({in().string()}, {3, {"frame_04.jpg"}});
}

TEST_F(HostileInput, ZeroSizeInHeader) {
    fstack::test::write_bytes(in() / "frame_04.png", hostile::png_header_only(0, kHeight));
    expect({in().string()}, {3, {"frame_04.png", "corrupt PNG header"}});
    fs::remove(in() / "frame_04.png");
    fstack::test::write_bytes(in() / "frame_04.jpg", hostile::jpeg_with_size(good_jpeg(4), kWidth, 0));
    expect({in().string()}, {3, {"frame_04.jpg", "corrupt JPEG header"}});
}

TEST_F(HostileInput, DecompressionBombsRefusedFromTheHeader) {
    struct Case { const char* name; std::string bytes; const char* size; };
    for (const Case& c : {Case{"frame_04.png", hostile::png_header_only(100000, 100000), "100000x100000"},
                          Case{"frame_04.jpg", hostile::jpeg_with_size(good_jpeg(4), 60000, 60000), "60000x60000"},
                          Case{"frame_04.tif", hostile::tiff_header_only(200000, 150000), "200000x150000"}}) {
        SCOPED_TRACE(c.name);
        fstack::test::write_bytes(in() / c.name, c.bytes);
        expect({in().string()}, {3, {c.name, c.size, "decompression bomb", "--max-pixels"}});
        fs::remove(in() / c.name);
    }
}

TEST_F(HostileInput, MaxPixelsOption) {
    // 160x120 = 19200 pixels: a limit just below refuses the first frame, one at it passes.
    expect({in().string()}, {3, {"frame_01.jpg", "more than the limit"}}, {"--max-pixels", "19199"});
    expect({in().string()}, {0, {}}, {"--max-pixels", "19200"});
    fs::remove(out());
    expect({in().string()}, {0, {}}, {"--max-pixels", "0"});  // 0: no limit
    fs::remove(out());
    expect({in().string()}, {2, {"--max-pixels"}}, {"--max-pixels", "lots"});
}

// ---------------------------------------------------------------------------------------------
// Things in a folder of frames that are not frames: skipped, said, the stack made.

TEST_F(HostileInput, SidecarsAreSkippedWithANote) {
    fstack::test::write_bytes(in() / "frame_01.xmp", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>\n");
    fstack::test::write_bytes(in() / "notes.txt", "focus rail 5 um\n");
    fstack::test::write_bytes(in() / "Thumbs.db", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'));
    const CommandResult r = expect({in().string()}, {0, {"frame_01.xmp", "notes.txt", "Thumbs.db", "3 frames"}});
    EXPECT_TRUE(contains(r.output, "warning: skipping")) << r.output;
}

TEST_F(HostileInput, FolderNamedLikeAnImage) {
    fs::create_directory(in() / "x.jpg");
    expect({in().string()}, {0, {"3 frames"}});  // inside a folder: not a frame
    fs::remove(out());
    // Named on the command line it is a folder of frames, here an empty one.
    expect({frame(1), frame(2), (in() / "x.jpg").string()}, {3, {"x.jpg", "no JPEG, PNG or TIFF images"}});
}

TEST_F(HostileInput, SymlinkLoop) {
    fs::create_symlink(in() / "loop_b.jpg", in() / "loop_a.jpg");
    fs::create_symlink(in() / "loop_a.jpg", in() / "loop_b.jpg");
    expect({in().string()}, {0, {"loop_a.jpg", "broken symbolic link", "3 frames"}});
    fs::remove(out());
    expect({frame(1), frame(2), (in() / "loop_a.jpg").string()}, {3, {"loop_a.jpg", "symbolic links"}});
}

// ---------------------------------------------------------------------------------------------
// Unreadable files and folders (as nobody where the tests run as root: root reads anything).

bool can_drop_privileges() { return ::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) == 0; }

TEST_F(HostileInput, UnreadableFile) {
    if (!can_drop_privileges()) GTEST_SKIP() << "running as root without setpriv: permissions cannot be tested";
    fs::permissions(in() / "frame_02.jpg", fs::perms::none);
    expect({in().string()}, {3, {"frame_02.jpg", "cannot open"}}, {}, true);
    expect({frame(1), frame(2), frame(3)}, {3, {"frame_02.jpg", "cannot open"}}, {}, true);
}

TEST_F(HostileInput, UnreadableFolder) {
    if (!can_drop_privileges()) GTEST_SKIP() << "running as root without setpriv: permissions cannot be tested";
    fs::permissions(in(), fs::perms::none);
    expect({in().string()}, {3, {in().string(), "cannot read the folder"}}, {}, true);
}

// ---------------------------------------------------------------------------------------------
// Frames that differ: orientation, size, depth, channels.

TEST_F(HostileInput, ExifOrientationIsApplied) {
    // Frames 2 and 3 are stored on their side with an orientation tag (as a camera held upright
    // writes them); the result must equal the stack of the upright frames.
    fs::remove_all(in());
    fs::create_directories(in() / "upright");
    fs::create_directories(in() / "rotated");
    for (int k = 1; k <= 3; ++k) {
        const cv::Mat p = hostile::picture(kWidth, kHeight, k);
        const std::string name = "frame_0" + std::to_string(k) + ".tif";
        fstack::test::write_bytes(in() / "upright" / name, hostile::tiff_with_orientation(p, 1));
        cv::Mat stored = p;
        if (k == 2) cv::rotate(p, stored, cv::ROTATE_90_COUNTERCLOCKWISE);  // tag 6 turns it back
        if (k == 3) cv::rotate(p, stored, cv::ROTATE_180);                  // tag 3
        fstack::test::write_bytes(in() / "rotated" / name, hostile::tiff_with_orientation(stored, k == 2 ? 6 : k == 3 ? 3 : 1));
    }
    expect({(in() / "rotated").string()}, {0, {"3 frames"}});
    const cv::Mat rotated = cv::imread(out().string(), cv::IMREAD_UNCHANGED);
    fs::remove(out());
    expect({(in() / "upright").string()}, {0, {"3 frames"}});
    const cv::Mat upright = cv::imread(out().string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(rotated.size(), cv::Size(kWidth, kHeight));
    EXPECT_EQ(cv::norm(rotated, upright, cv::NORM_INF), 0.0);
}

TEST_F(HostileInput, SizeMismatchRefusedUnlessScalingAsked) {
    cv::Mat big;
    cv::resize(hostile::picture(kWidth, kHeight, 2), big, cv::Size(kWidth * 2, kHeight * 2));
    fstack::test::write_bytes(in() / "frame_02.jpg", hostile::encode(big, ".jpg"));
    expect({in().string()}, {3, {"frame_02.jpg", "320x240", "differs", "--scale-mismatched"}});
    const CommandResult r = expect({in().string()}, {0, {"frame_02.jpg", "resized"}}, {"--scale-mismatched"});
    EXPECT_EQ(cv::imread(out().string()).size(), cv::Size(kWidth, kHeight));
    fs::remove(out());
    // Another aspect ratio is another picture (rotated, cropped): refused even so.
    cv::Mat wide;
    cv::resize(big, wide, cv::Size(kWidth * 2, kHeight));
    fstack::test::write_bytes(in() / "frame_02.jpg", hostile::encode(wide, ".jpg"));
    expect({in().string()}, {3, {"frame_02.jpg", "aspect ratio"}}, {"--scale-mismatched"});
}

TEST_F(HostileInput, MixedDepthsAndChannelsConvertedWithANote) {
    fs::remove_all(in());
    fs::create_directories(in());
    const cv::Mat p = hostile::picture(kWidth, kHeight, 1);
    cv::Mat wide, grey;
    p.convertTo(wide, CV_16U, 257.0);
    cv::cvtColor(p, grey, cv::COLOR_BGR2GRAY);
    fstack::test::write_bytes(in() / "frame_01.png", hostile::encode(p, ".png"));
    fstack::test::write_bytes(in() / "frame_02.png", hostile::encode(wide, ".png"));
    fstack::test::write_bytes(in() / "frame_03.tif", hostile::encode(grey, ".tif"));
    expect({in().string()}, {0, {"frame_02.png: converted", "frame_03.tif: converted"}});
    const cv::Mat result = cv::imread(out().string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(result.type(), CV_8UC3);  // the first frame's format
}

}  // namespace
