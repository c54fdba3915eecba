// SPDX-License-Identifier: GPL-3.0-or-later
// Failed jobs name the culprit (folder, frame, size, corrupt or truncated file) and leave no output.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job.hpp"
#include "job_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::jobs;

// ---------------------------------------------------------------------------------------------
// Failures: named culprit, no output left

// Runs a one-action job stacking `input` into "out" and returns the error it must throw.
Error failing_job(const TempDir& work, const std::string& input) {
    fstack::StackJob job("fail", work.path(), input);
    job.add_action(std::make_unique<fstack::FocusStack>("out", pyramid()));
    Error e = expect_error([&] { job.run(); });
    // Whatever failed, no (partial) output file may remain.
    EXPECT_TRUE(files_in(work / "out").empty()) << ::testing::PrintToString(files_in(work / "out"));
    return e;
}

TEST(StackJobErrors, EmptyInputFolder) {
    TempDir work;
    fs::create_directories(work / "empty");
    std::ofstream(work / "empty" / "readme.txt") << "no pictures here";
    const Error e = failing_job(work, "empty");
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), (work / "empty").string())) << e.what();
    EXPECT_FALSE(fs::exists(work / "out"));
}

TEST(StackJobErrors, MissingInputFolderAndWorkingFolder) {
    TempDir work;
    const Error e = failing_job(work, "nowhere");
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "nowhere")) << e.what();

    fstack::StackJob job("fail", work / "no-work", "src");
    job.add_action(std::make_unique<fstack::FocusStack>("out", pyramid()));
    const Error w = expect_error([&] { job.run(); });
    EXPECT_EQ(w.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(w.what(), "no-work")) << w.what();

    fstack::StackJob no_input("fail", work.path());
    no_input.add_action(std::make_unique<fstack::FocusStack>("out", pyramid()));
    EXPECT_EQ(expect_error([&] { no_input.run(); }).kind(), ErrorKind::Usage);
}

TEST(StackJobErrors, OneFrame) {
    TempDir work;
    fs::create_directories(work / "one");
    fstack::write_image(work / "one" / "only.png", synth::render_frame(scene(false), 0));
    const Error e = failing_job(work, "one");
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "at least two frames")) << e.what();
    EXPECT_TRUE(contains(e.what(), "only.png")) << e.what();
}

TEST(StackJobErrors, FrameOfAnotherSize) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".png", false);
    cv::Mat small;
    cv::resize(synth::render_frame(s, 3), small, cv::Size(300, 240));
    const fs::path odd = work / "src" / frame_name(3, ".png");
    fstack::write_image(odd, small);
    const Error e = failing_job(work, "src");
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_EQ(e.file(), odd.string());
    EXPECT_TRUE(contains(e.what(), odd.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "300x240")) << e.what();
}

TEST(StackJobErrors, CorruptFrame) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".png", false);
    // Keep the PNG header (so listing and size checks pass) and break the pixel data: the
    // failure comes in the middle of stacking, after earlier frames were consumed.
    const fs::path bad = work / "src" / frame_name(5, ".png");
    std::string bytes = fstack::test::file_bytes(bad);
    for (size_t i = 60; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    fstack::test::write_bytes(bad, bytes);
    const Error e = failing_job(work, "src");
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), bad.string())) << e.what();
    EXPECT_EQ(e.frame_index(), 5);
}

TEST(StackJobErrors, TruncatedJpegFrameInABunch) {
    TempDir work;
    const synth::Scene& s = scene(false);
    write_frames(s, work / "src", ".jpg", false);
    const fs::path bad = work / "src" / frame_name(6, ".jpg");
    const std::string bytes = fstack::test::file_bytes(bad);
    fstack::test::write_bytes(bad, bytes.substr(0, bytes.size() / 2));
    fstack::StackJob job("fail", work.path(), "src");
    job.add_action(std::make_unique<fstack::FocusStackBunch>("out", pyramid(), 4, 1));
    const Error e = expect_error([&] { job.run(); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), bad.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "truncated")) << e.what();
    EXPECT_EQ(e.frame_index(), 6) << "the index must count in the folder, not in the bunch";
    // The headers of all frames are checked before any bunch is stacked, so a truncated frame
    // stops the action before it writes anything (no partial output, no temporaries).
    EXPECT_TRUE(files_in(work / "out").empty());
}

}  // namespace
