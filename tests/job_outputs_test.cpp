// SPDX-License-Identifier: GPL-3.0-or-later
// Job files never lose data (issue 13, item 1): no job action writes over its input frames, into
// its input folder or into a folder another action of the job reads, however the path is spelt
// (".", "..", absolute, a symbolic link); it is refused before any work, with the job, the action
// and both paths named, and the inputs are left byte for byte. A second run refuses the first
// run's outputs unless `fstack run --overwrite`, as `fstack stack` does.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include "cli_test_support.hpp"

namespace {
using namespace fstack::test::cli;

class JobOutputs : public ::testing::Test {
protected:
    void SetUp() override { make_stack(dir_ / "src", 4, ".png"); }

    // A job of `actions` (TOML [[action]] tables) over src, written and run.
    CommandResult run(const std::string& actions, const std::vector<std::string>& options = {}) {
        const fs::path job = dir_ / "job.toml";
        std::ofstream(job) << "[job]\nname = \"j\"\ninput_path = \"src\"\n\n" << actions;
        std::vector<std::string> args = {"run", "-q", job.string()};
        args.insert(args.end(), options.begin(), options.end());
        return fstack_cli(args);
    }

    TempDir dir_;
};

// One action of each type writing to `out`.
std::map<std::string, std::string> actions_writing_to(const std::string& out) {
    const std::string o = "output_path = \"" + out + "\"\n";
    return {
        {"FocusStack 'stack'", "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\nstacker = { type = \"PyramidStack\" }\n" + o},
        {"FocusStackBunch 'b'",
         "[[action]]\ntype = \"FocusStackBunch\"\nname = \"b\"\nframes = 2\nstacker = { type = \"PyramidStack\" }\n" + o},
        {"MultiLayer 'm'", "[[action]]\ntype = \"MultiLayer\"\nname = \"m\"\n" + o},
        {"Actions 'a'", "[[action]]\ntype = \"Actions\"\nname = \"a\"\n" + o + "  [[action.actions]]\n  type = \"Vignetting\"\n"},
        {"NoiseDetection 'n'", "[[action]]\ntype = \"NoiseDetection\"\nname = \"n\"\n" + o},
    };
}

TEST_F(JobOutputs, NoActionWritesIntoItsInputFolderHoweverSpelt) {
    fs::create_directory_symlink(dir_ / "src", dir_ / "link");
    fs::create_directories(dir_ / "x");
    const auto before = checksums(dir_ / "src");
    for (const std::string& out : {std::string("src"), std::string("./src/"), std::string("x/../src"),
                                   (dir_ / "src").string(), std::string("link")}) {
        for (const auto& [label, action] : actions_writing_to(out)) {
            const CommandResult r = run(action);
            EXPECT_EQ(r.exit_code, 4) << label << " -> " << out << "\n" << r.output;
            EXPECT_TRUE(contains(r.output, "job 'j': " + label)) << r.output;
            EXPECT_TRUE(contains(r.output, "is the input folder")) << r.output;
            EXPECT_TRUE(contains(r.output, "src")) << r.output;
            EXPECT_EQ(checksums(dir_ / "src"), before) << label << " -> " << out;  // nothing replaced, nothing added
        }
    }
}

// An action may not write into a folder an earlier action read (the job's own frames), and
// this is refused before the first action runs.
TEST_F(JobOutputs, ALaterActionWritingOverTheJobsFramesIsRefusedBeforeAnyWork) {
    const auto before = checksums(dir_ / "src");
    const CommandResult r = run(
        "[[action]]\ntype = \"Actions\"\nname = \"align\"\n  [[action.actions]]\n  type = \"Vignetting\"\n\n"
        "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\noutput_path = \"src\"\nstacker = { type = \"PyramidStack\" }\n");
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_TRUE(contains(r.output, "job 'j': FocusStack 'stack': the output folder is the input folder")) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "align")) << "the first action ran";
    EXPECT_FALSE(fs::exists(dir_ / "plots"));
    EXPECT_EQ(checksums(dir_ / "src"), before);
}

// A plot folder among the frames: the next run would take the plots for frames.
TEST_F(JobOutputs, PlotsIntoTheInputFolderAreRefused) {
    const auto before = checksums(dir_ / "src");
    const CommandResult r = run("[[action]]\ntype = \"Actions\"\nname = \"a\"\nplot_path = \"src\"\n"
                                "  [[action.actions]]\n  type = \"Vignetting\"\n");
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_TRUE(contains(r.output, "job 'j': Actions 'a': the output folder is the input folder")) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "a"));
    EXPECT_EQ(checksums(dir_ / "src"), before);
}

// An output that is an input frame through a link in the output folder is refused, even with
// --overwrite.
TEST_F(JobOutputs, AnOutputLinkedToAnInputFrameIsRefused) {
    fs::create_directories(dir_ / "stack");
    fs::create_symlink(dir_ / "src" / "frame_01.png", dir_ / "stack" / "frame_01.png");
    const auto before = checksums(dir_ / "src");
    const CommandResult r = run(actions_writing_to("stack").at("FocusStack 'stack'"), {"--overwrite"});
    EXPECT_EQ(r.exit_code, 4) << r.output;
    EXPECT_TRUE(contains(r.output, "job 'j': FocusStack 'stack': the output would write over the input")) << r.output;
    EXPECT_TRUE(contains(r.output, "frame_01.png")) << r.output;
    EXPECT_EQ(checksums(dir_ / "src"), before);
    EXPECT_TRUE(fs::is_symlink(dir_ / "stack" / "frame_01.png"));
}

// Running a job twice: the second run refuses the first run's outputs, before any work, and
// leaves them as they were; --overwrite replaces them.
TEST_F(JobOutputs, ASecondRunRefusesTheFirstRunsOutputsUnlessOverwrite) {
    const std::string job =
        "[[action]]\ntype = \"Actions\"\nname = \"a\"\n  [[action.actions]]\n  type = \"Vignetting\"\n\n"
        "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\nstacker = { type = \"PyramidStack\" }\n";
    const auto before = checksums(dir_ / "src");
    const CommandResult first = run(job);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    ASSERT_TRUE(fs::exists(dir_ / "stack" / "frame_01.png"));
    fstack::test::write_bytes(dir_ / "stack" / "frame_01.png", "edited by the user");
    const auto aligned = checksums(dir_ / "a");

    const CommandResult second = run(job);
    EXPECT_EQ(second.exit_code, 4) << second.output;
    EXPECT_TRUE(contains(second.output, "job 'j': Actions 'a': the output file already exists (use --overwrite"))
        << second.output;
    EXPECT_EQ(fstack::test::file_bytes(dir_ / "stack" / "frame_01.png"), "edited by the user");
    EXPECT_EQ(checksums(dir_ / "a"), aligned);

    const CommandResult again = run(job, {"--overwrite"});
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(read_back(dir_ / "stack" / "frame_01.png").size(), cv::Size(kWidth, kHeight));
    EXPECT_EQ(checksums(dir_ / "src"), before);
}

// A folder an earlier action fills, there but empty from an interrupted run, does not stop the
// job: its reader's outputs are checked when it starts.
TEST_F(JobOutputs, AnEmptyFolderAnEarlierActionFillsIsNoError) {
    fs::create_directories(dir_ / "b");
    const CommandResult r = run(
        "[[action]]\ntype = \"FocusStackBunch\"\nname = \"b\"\nframes = 2\nstacker = { type = \"PyramidStack\" }\n\n"
        "[[action]]\ntype = \"MultiLayer\"\nname = \"m\"\n");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir_ / "m" / "frame_01.tif")) << r.output;
}

}  // namespace
