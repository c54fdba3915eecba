// SPDX-License-Identifier: GPL-3.0-or-later
// No data loss through the real `fstack` binary: a SIGKILL while the output is being written
// leaves nothing under the output's name, a write error (the disk full) leaves no file at all,
// and the temporary a killed run leaves behind is never taken for a frame.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "hostile_files.hpp"
#include "test_util.hpp"

extern char** environ;

namespace {
namespace fs = std::filesystem;
namespace hostile = fstack::test::hostile;
using fstack::test::contains;
using fstack::test::TempDir;

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// The documented pattern of a temporary: ".NAME.fstack-tmp-<16 hex digits>.EXT".
bool is_temporary_of(const std::string& file, const std::string& stem, const std::string& ext) {
    const std::string prefix = "." + stem + ".fstack-tmp-";
    if (file.rfind(prefix, 0) != 0 || file.size() != prefix.size() + 16 + ext.size()) return false;
    if (file.compare(file.size() - ext.size(), ext.size(), ext) != 0) return false;
    return file.find_first_not_of("0123456789abcdef", prefix.size()) == prefix.size() + 16;
}

// Two frames big enough that writing the uncompressed result (and copying the metadata into
// it) takes a while: 2400x1600 16-bit RGB is 23 MB per frame and per result.
void make_big_stack(const fs::path& dir, cv::Size size = {2400, 1600}) {
    fs::create_directories(dir);
    cv::Mat small = hostile::picture(size.width / 4, size.height / 4, 3), big;
    cv::resize(small, big, size, 0, 0, cv::INTER_CUBIC);
    big.convertTo(big, CV_16U, 257.0);
    for (int k = 0; k < 2; ++k) {
        cv::Mat frame;
        cv::GaussianBlur(big, frame, cv::Size(0, 0), 0.5 + 2.0 * k);
        ASSERT_TRUE(cv::imwrite((dir / ("f" + std::to_string(k) + ".tif")).string(), frame,
                                {cv::IMWRITE_TIFF_COMPRESSION, 1}));
    }
}

TEST(NoDataLoss, SigkillWhileWritingLeavesNoOutput) {
    TempDir tmp("fstack-kill");
    make_big_stack(tmp / "in");
    fs::create_directories(tmp / "out");
    const fs::path out = tmp / "out" / "result.tif";
    const std::string cli = fstack::test::cli_path(), in = (tmp / "in").string(), o = out.string();
    std::vector<char*> argv = {const_cast<char*>(cli.c_str()), const_cast<char*>("stack"),
                               const_cast<char*>(in.c_str()), const_cast<char*>("-o"),
                               const_cast<char*>(o.c_str()), const_cast<char*>("-q"), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, cli.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    // Kill the moment the temporary appears: the output is being written.
    std::string temporary;
    int status = 0;
    bool exited = false;
    while (temporary.empty() && !exited) {
        for (const std::string& n : names_in(tmp / "out"))
            if (is_temporary_of(n, "result", ".tif")) temporary = n;
        if (!temporary.empty()) break;
        exited = ::waitpid(pid, &status, WNOHANG) == pid;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ASSERT_FALSE(exited) << "fstack finished before its temporary file was seen";
    ::kill(pid, SIGKILL);
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    // Nothing under the final name; the killed run's temporary may remain (nothing can remove
    // it after a SIGKILL), named as documented.
    EXPECT_FALSE(fs::exists(out));
    for (const std::string& n : names_in(tmp / "out")) EXPECT_TRUE(is_temporary_of(n, "result", ".tif")) << n;

    // A later run into the same folder: the stale temporary is no frame, and the result lands.
    fs::copy_file(tmp / "in" / "f0.tif", tmp / "out" / "f0.tif");
    fs::copy_file(tmp / "in" / "f1.tif", tmp / "out" / "f1.tif");
    const auto frames = fstack::list_frames(tmp / "out");
    ASSERT_EQ(frames.size(), 2u);
    for (const auto& f : frames) EXPECT_FALSE(contains(f.filename().string(), "fstack-tmp")) << f;
}

TEST(NoDataLoss, WriteErrorLeavesNoFile) {
    // A file size limit makes every write past 64 KiB fail with EFBIG, as a full disk fails
    // with ENOSPC (SIGXFSZ ignored, so the write fails instead of killing the process).
    TempDir tmp("fstack-full");
    make_big_stack(tmp / "in", {800, 600});  // 2.9 MB as a 16-bit TIFF, 1.2 MB as a JPEG
    fs::create_directories(tmp / "out");
    for (const char* name : {"result.tif", "result.png", "result.jpg"}) {
        SCOPED_TRACE(name);
        const fs::path out = tmp / "out" / name;
        const std::string command = "trap '' XFSZ; ulimit -f 64; exec '" + fstack::test::cli_path() + "' stack '" +
                                    (tmp / "in").string() + "' -o '" + out.string() + "' -q";
        const auto r = fstack::test::run_command("bash -c \"" + command + "\"");
        EXPECT_EQ(r.exit_code, 4) << r.output;
        EXPECT_TRUE(contains(r.output, out.string() + ": cannot write the image: File too large")) << r.output;
        EXPECT_FALSE(contains(r.output, "fstack-tmp")) << "the message names the temporary: " << r.output;
        EXPECT_EQ(names_in(tmp / "out"), std::vector<std::string>{}) << r.output;
    }
}

}  // namespace
