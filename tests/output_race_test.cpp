// SPDX-License-Identifier: GPL-3.0-or-later
// The no-overwrite promise under races (issue 13): a file that appears at the target while a
// layered file is being written survives, and the run says so; two `fstack batch` runs on one
// output folder never both write one output.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli_test_support.hpp"

namespace {
using namespace fstack::test::cli;
using fstack::test::shell_quote;

// Frames large enough that the retouch PSD takes a while to write (7 x 3000x2000).
void big_stack(const fs::path& dir) {
    fs::create_directories(dir);
    for (int i = 0; i < 7; ++i) {
        cv::Mat m(2000, 3000, CV_8UC3, cv::Scalar(20 + 30 * i, 120, 220 - 25 * i));
        cv::randu(m(cv::Rect(200 * i, 0, 600, 2000)), cv::Scalar::all(0), cv::Scalar::all(255));
        ASSERT_TRUE(cv::imwrite((dir / ("f" + std::to_string(i) + ".jpg")).string(), m));
    }
}

// The temporary of `target` (".<stem>.fstack-tmp-<tag><ext>" beside it), once it exists.
bool temporary_exists(const fs::path& target) {
    const std::string prefix = "." + target.stem().string() + ".fstack-tmp-";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(target.parent_path(), ec))
        if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
    return false;
}

TEST(OutputRace, AFileThatAppearsWhileTheLayeredFileIsWrittenSurvives) {
    TempDir dir;
    big_stack(dir / "in");
    const fs::path psd = dir / "retouch.psd";
    const std::string user = "the user's own file, made while fstack was writing\n";
    const std::string command = shell_quote(fstack::test::cli_path()) + " stack " + shell_quote((dir / "in").string()) +
                                " -o " + shell_quote((dir / "out.png").string()) + " --align none --balance none" +
                                " --retouch-layers " + shell_quote(psd.string()) + " > " +
                                shell_quote((dir / "log.txt").string()) + " 2>&1";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait for the PSD's temporary, then make the target under it.
    bool made = false;
    for (int i = 0; i < 120000 && !made; ++i) {
        if (temporary_exists(psd)) {
            fstack::test::write_bytes(psd, user);
            made = true;
            break;
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) FAIL() << "fstack ended before the PSD was begun:\n"
                                                            << fstack::test::file_bytes(dir / "log.txt");
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(made) << "the PSD's temporary never appeared";
    const std::string log = fstack::test::file_bytes(dir / "log.txt");
    EXPECT_NE(WEXITSTATUS(status), 0) << log;
    EXPECT_TRUE(contains(log, psd.string())) << log;
    EXPECT_TRUE(contains(log, "appeared while it was being written")) << log;
    EXPECT_EQ(fstack::test::file_bytes(psd), user);  // not replaced
    EXPECT_FALSE(temporary_exists(psd)) << "a temporary was left behind";
}

// "batch: N written, ..." of a run's output.
int written(const std::string& output) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex("batch: ([0-9]+) written"))) return -1;
    return std::stoi(m[1]);
}

TEST(OutputRace, TwoBatchesOnOneFolderNeverBothWriteAnOutput) {
    TempDir dir;
    const fs::path in = dir / "in", out = dir / "out";
    make_stack(in, 2);
    // 12 stacks of 2 frames (the same pair), in one folder.
    for (int s = 1; s <= 12; ++s)
        for (int f = 1; f <= 2; ++f) {
            char name[32];
            std::snprintf(name, sizeof name, "s%02d_%d.jpg", s, f);
            fs::copy_file(in / ("frame_0" + std::to_string(f) + ".jpg"), in / name);
        }
    fs::remove(in / "frame_01.jpg");
    fs::remove(in / "frame_02.jpg");
    const std::string run = shell_quote(fstack::test::cli_path()) + " batch " + shell_quote(in.string()) + " -o " +
                            shell_quote(out.string()) + " --stack-size 2 --align none --balance none -j 1";
    const auto r = fstack::test::run_command("(" + run + " > " + shell_quote((dir / "a.txt").string()) + " 2>&1 & " + run +
                                             " > " + shell_quote((dir / "b.txt").string()) + " 2>&1 & wait)");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string a = fstack::test::file_bytes(dir / "a.txt"), b = fstack::test::file_bytes(dir / "b.txt");
    ASSERT_GE(written(a), 0) << a;
    ASSERT_GE(written(b), 0) << b;
    // Each of the 12 outputs was written by exactly one of the two runs.
    EXPECT_EQ(written(a) + written(b), 12) << a << "\n----\n" << b;
    std::printf("run a wrote %d, run b wrote %d\n", written(a), written(b));
    int files = 0;
    for (const auto& e : fs::directory_iterator(out)) {
        EXPECT_EQ(e.path().filename().string().find(".fstack-tmp-"), std::string::npos) << e.path();
        expect_image(e.path(), CV_8U, 3);
        ++files;
    }
    EXPECT_EQ(files, 12);
}

}  // namespace
