// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack` failures end to end: input errors (exit 3), output errors (exit 4), Ctrl-C
// (exit 130) and usage errors (exit 2); the culprit named, nothing written, inputs untouched.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::cli;

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
