// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack --bunch`: bunches of frames with overlap, their output names, and refusals before
// any work.
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
// Bunches

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

}  // namespace
