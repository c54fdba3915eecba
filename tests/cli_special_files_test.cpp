// SPDX-License-Identifier: GPL-3.0-or-later
// Only regular files, or links to them, are frames: a FIFO, a socket or a device named on the
// command line (directly or through a link), as a job file, a layered file or a job's input, is
// refused by name without being opened (open() on a FIFO waits for a writer forever: every
// run here is bounded by `timeout -s KILL`, and a hang fails with 137); inside a folder such
// entries are skipped with a warning naming each.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_test_support.hpp"

namespace {
using namespace fstack::test::cli;
using fstack::test::run_command;
using fstack::test::shell_quote;

// The CLI, killed after 30 s: a run that blocks in open() ends with 137 instead of hanging ctest.
CommandResult bounded(const std::vector<std::string>& args) {
    std::string c = "timeout -s KILL 30 " + shell_quote(fstack::test::cli_path());
    for (const std::string& a : args) c += " " + shell_quote(a);
    return run_command(c + " 2>&1");
}

void make_fifo(const fs::path& p) { ASSERT_EQ(::mkfifo(p.c_str(), 0644), 0) << p << ": " << std::strerror(errno); }

void make_socket(const fs::path& p) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    ASSERT_LT(p.string().size(), sizeof a.sun_path) << p;
    std::strncpy(a.sun_path, p.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
    ::close(fd);
}

void expect_refused(const CommandResult& r, const fs::path& culprit, const std::string& reason) {
    EXPECT_NE(r.exit_code, 137) << "killed by the timeout: it blocked\n" << r.output;
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, culprit.string() + ": " + reason)) << r.output;
}

class SpecialFiles : public ::testing::Test {
protected:
    void SetUp() override { frames_ = make_stack(dir_ / "in", 3); }
    std::vector<std::string> stack_with(const fs::path& odd) const {
        return {"stack", frames_[0].string(), odd.string(), frames_[1].string(), "-o", (dir_ / "out.jpg").string()};
    }
    TempDir dir_;
    std::vector<fs::path> frames_;
};

TEST_F(SpecialFiles, FifoOnTheCommandLineIsRefusedWithoutBlocking) {
    const fs::path fifo = dir_ / "f2.jpg";
    make_fifo(fifo);
    expect_refused(bounded(stack_with(fifo)), fifo, "a named pipe (FIFO), not a regular file");
    const fs::path link = dir_ / "link.jpg";
    fs::create_symlink(fifo, link);
    expect_refused(bounded(stack_with(link)), link, "a symbolic link to a named pipe (FIFO), not a regular file");
    EXPECT_FALSE(fs::exists(dir_ / "out.jpg"));
}

TEST_F(SpecialFiles, DevicesAndSocketsOnTheCommandLineAreRefusedByName) {
    expect_refused(bounded(stack_with("/dev/null")), "/dev/null", "a character device, not a regular file");
    const fs::path zero = dir_ / "zero.jpg";
    fs::create_symlink("/dev/zero", zero);
    expect_refused(bounded(stack_with(zero)), zero, "a symbolic link to a character device, not a regular file");
    const fs::path socket = dir_ / "s.jpg";
    make_socket(socket);
    expect_refused(bounded(stack_with(socket)), socket, "a socket, not a regular file");
}

TEST_F(SpecialFiles, InsideAFolderTheyAreSkippedWithAWarningEach) {
    make_fifo(dir_ / "in" / "frame_02b.jpg");
    make_socket(dir_ / "in" / "frame_02c.jpg");
    fs::create_symlink("/dev/zero", dir_ / "in" / "frame_02d.jpg");
    const CommandResult r = bounded({"stack", (dir_ / "in").string(), "-o", (dir_ / "out.jpg").string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const std::string in = (dir_ / "in").string();
    EXPECT_TRUE(contains(r.output, "skipping " + in + "/frame_02b.jpg: a named pipe (FIFO), not a regular file")) << r.output;
    EXPECT_TRUE(contains(r.output, "skipping " + in + "/frame_02c.jpg: a socket, not a regular file")) << r.output;
    EXPECT_TRUE(contains(r.output, "skipping " + in + "/frame_02d.jpg: a symbolic link to a character device")) << r.output;
    EXPECT_TRUE(contains(r.output, "3 frames")) << r.output;
    expect_image(dir_ / "out.jpg", CV_8U, 3);
}

TEST_F(SpecialFiles, BatchSkipsThemInItsFolder) {
    make_fifo(dir_ / "in" / "frame_04.jpg");
    const CommandResult r = bounded({"batch", (dir_ / "in").string(), "-o", (dir_ / "out").string(), "--stack-size", "3"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "frame_04.jpg: a named pipe (FIFO)")) << r.output;
    expect_image(dir_ / "out" / "frame_01.jpg", CV_8U, 3);
}

TEST_F(SpecialFiles, JobFileLayeredFileAndNoiseMaskThatArePipesAreRefused) {
    const fs::path job = dir_ / "job.toml";
    make_fifo(job);
    expect_refused(bounded({"run", job.string()}), job, "a named pipe (FIFO), not a regular file");
    const fs::path layered = dir_ / "doc.psd";
    make_fifo(layered);
    expect_refused(bounded({"layers", layered.string(), frames_[0].string(), "-o", (dir_ / "l.tif").string()}), layered,
                   "a named pipe (FIFO), not a regular file");
    const fs::path mask = dir_ / "mask.png";
    make_fifo(mask);
    const CommandResult r = bounded({"stack", (dir_ / "in").string(), "-o", (dir_ / "out.jpg").string(), "--noise-mask",
                                     mask.string()});
    expect_refused(r, mask, "a named pipe (FIFO), not a regular file");
}

TEST_F(SpecialFiles, AJobsInputFolderWithAFifoStacksItsFrames) {
    make_fifo(dir_ / "in" / "frame_02b.jpg");
    std::ofstream(dir_ / "job.toml") << "[job]\nname = \"j\"\nworking_path = \".\"\ninput_path = \"in\"\n\n"
                                        "[[action]]\ntype = \"FocusStack\"\nname = \"out\"\n"
                                        "[action.stacker]\ntype = \"PyramidStack\"\n";
    const CommandResult r = bounded({"run", (dir_ / "job.toml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "frame_02b.jpg: a named pipe (FIFO), not a regular file")) << r.output;
    expect_image(dir_ / "out" / "frame_01.jpg", CV_8U, 3);
}

}  // namespace
