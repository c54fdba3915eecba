// SPDX-License-Identifier: GPL-3.0-or-later
// The memory check in a real cgroup (v1 and v2, created here where the machine allows, skipped
// with the reason where it does not): inside a 400 MiB cgroup, a stack that cannot fit is
// refused before any work with the needed and available figures, for each stacker and with
// alignment, while a small stack still runs; `fstack batch` refuses the stack that cannot fit
// and writes the others, with the summary.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cgroup_test_support.hpp"
#include "cli_test_support.hpp"

namespace {
using namespace fstack::test::cli;
using fstack::test::LimitedCgroup;
using fstack::test::run_command;
using fstack::test::shell_quote;

constexpr std::uint64_t kLimit = 400ull << 20;

// Frames of 4000x3000 (12 MP: about 0.9 GiB to stack with any stacker) that encode in no time.
std::vector<fs::path> big_frames(const fs::path& dir, const std::string& stem, int n) {
    fs::create_directories(dir);
    std::vector<fs::path> paths;
    for (int i = 1; i <= n; ++i) {
        cv::Mat m(3000, 4000, CV_8UC3, cv::Scalar(40 * i, 90, 200));
        cv::rectangle(m, {100 * i, 100}, {400 * i, 900}, cv::Scalar(255, 255, 255), -1);
        const fs::path p = dir / (stem + std::to_string(i) + ".jpg");
        EXPECT_TRUE(cv::imwrite(p.string(), m));
        paths.push_back(p);
    }
    return paths;
}

std::string command(const std::vector<std::string>& args) {
    std::string c = shell_quote(fstack::test::cli_path());
    for (const std::string& a : args) c += " " + shell_quote(a);
    return c;
}

class InCgroup : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        std::string why;
        cgroup_ = LimitedCgroup::create(kLimit, GetParam(), why);
        if (!cgroup_) GTEST_SKIP() << why;
    }
    CommandResult run(const std::vector<std::string>& args) const { return run_command(cgroup_->run_inside(command(args)) + " 2>&1"); }

    std::unique_ptr<LimitedCgroup> cgroup_;
    TempDir dir_;
};

// "need about X GiB ... only Y GiB is available": both figures, Y no more than the cgroup's.
void expect_refusal(const CommandResult& r, const fs::path& first, const std::string& what) {
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, first.string())) << r.output;
    const std::regex figures("need about ([0-9.]+) GiB of memory to stack \\(" + what + "\\); only ([0-9.]+) GiB is available");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.output, m, figures)) << r.output;
    EXPECT_GT(std::stod(m[1]), 0.4);
    EXPECT_LE(std::stod(m[2]), 0.4);  // the cgroup's 400 MiB, not the machine's memory
}

TEST_P(InCgroup, StackThatCannotFitIsRefusedBeforeAnyWorkForEveryStacker) {
    const auto frames = big_frames(dir_ / "big", "f", 3);
    struct Case {
        std::vector<std::string> options;
        std::string what;
    };
    const std::vector<Case> cases = {
        {{"--align", "none"}, "pyramid"},
        {{"--align", "none", "--stacker", "depthmap"}, "depthmap"},
        {{"--align", "none", "--stacker", "focusmeasure", "--scale-factor", "1"}, "focusmeasure at scale factor 1"},
        {{"--align", "rigid"}, "pyramid, aligned"},
        {{"--align", "rigid", "--stacker", "focusmeasure"}, "focusmeasure at scale factor 2, aligned"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        std::vector<std::string> args = {"stack", (dir_ / "big").string(), "-o", (dir_ / "out.tif").string()};
        args.insert(args.end(), c.options.begin(), c.options.end());
        const auto start = std::chrono::steady_clock::now();
        const CommandResult r = run(args);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        expect_refusal(r, frames.front(), c.what);
        // Before any work: no frame was decoded (decoding three of them alone takes longer), no
        // stage ran, nothing was written.
        EXPECT_LT(seconds, 3.0);
        EXPECT_FALSE(contains(r.output, ": 0/")) << r.output;  // a stage's first progress line
        EXPECT_FALSE(fs::exists(dir_ / "out.tif"));
    }
    // The same cgroup runs a stack that fits.
    make_stack(dir_ / "small", 3);
    const CommandResult ok = run({"stack", (dir_ / "small").string(), "-o", (dir_ / "small.tif").string()});
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    expect_image(dir_ / "small.tif", CV_8U, 3);
}

TEST_P(InCgroup, BatchNeverStartsAStackThatCannotFitAndFinishesTheOthers) {
    const auto big = big_frames(dir_ / "in", "a_", 2);
    const auto small = make_stack(dir_ / "small", 2);
    fs::copy_file(small[0], dir_ / "in" / "b_1.jpg");
    fs::copy_file(small[1], dir_ / "in" / "b_2.jpg");
    const CommandResult r = run({"batch", (dir_ / "in").string(), "-o", (dir_ / "out").string(), "--stack-size", "2"});
    expect_refusal(r, big.front(), "pyramid, aligned");
    EXPECT_TRUE(contains(r.output, "1 written, 0 skipped (output exists), 1 failed")) << r.output;
    EXPECT_TRUE(contains(r.output, "a_1 (2 frames)")) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "out" / "a_1.jpg"));
    expect_image(dir_ / "out" / "b_1.jpg", CV_8U, 3);
}

// --threads 8 where the cgroup holds one or two frames in flight, not eight (eight pyramid
// frames of 3 MP in flight would need about 1.3 GiB): fstack takes fewer, is not killed, and the
// result is byte-identical to --threads 1's outside the cgroup.
TEST_P(InCgroup, MoreThreadsThanTheMemoryHoldsTakeFewerFramesInFlight) {
    if (fstack::test::kUnderAddressSanitizer)
        GTEST_SKIP() << "under AddressSanitizer the same stack needs several times the memory (shadow, "
                        "quarantine): the 400 MiB figure is the Release build's";
    fs::create_directories(dir_ / "mid");
    for (int i = 0; i < 8; ++i) {
        cv::Mat m(1500, 2000, CV_8UC3, cv::Scalar(30 * i, 90, 200 - 20 * i));
        cv::GaussianBlur(m, m, cv::Size(), 1 + i);
        cv::circle(m, {250 * i + 100, 700}, 90, cv::Scalar(255, 255, 255), 3);
        ASSERT_TRUE(cv::imwrite((dir_ / "mid" / ("f" + std::to_string(i) + ".png")).string(), m));
    }
    const std::vector<std::string> common = {"--align", "none", "--balance", "none", "-q"};
    std::vector<std::string> inside = {"stack", (dir_ / "mid").string(), "-o", (dir_ / "eight.png").string(),
                                       "--threads", "8"};
    inside.insert(inside.end(), common.begin(), common.end());
    const CommandResult r = run(inside);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::vector<std::string> outside = {"stack", (dir_ / "mid").string(), "-o", (dir_ / "one.png").string(),
                                        "--threads", "1"};
    outside.insert(outside.end(), common.begin(), common.end());
    const CommandResult one = run_command(command(outside) + " 2>&1");
    ASSERT_EQ(one.exit_code, 0) << one.output;
    EXPECT_TRUE(fstack::test::file_bytes(dir_ / "eight.png") == fstack::test::file_bytes(dir_ / "one.png"));
}

INSTANTIATE_TEST_SUITE_P(CgroupV1AndV2, InCgroup, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "v1" : "v2"; });

}  // namespace
