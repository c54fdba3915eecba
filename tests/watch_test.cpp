// SPDX-License-Identifier: GPL-3.0-or-later
// Live stacking (issue 16): `fstack stack DIR --watch` and `fstack batch DIR --watch` take the
// frames of a folder as they arrive (a file counts once complete: a frame written in two parts
// is not taken half; one that arrives out of order takes its place), and give the same files as
// the ordinary commands on the finished folder. Ctrl-C while watching leaves nothing behind.
#include <gtest/gtest.h>

#include <csignal>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "synthetic/warped.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::test::TempDir;
using fstack::test::run_command;
using fstack::test::shell_quote;

// The PNG bytes of a small moving stack's frames (scene `seed`).
std::vector<std::string> encoded_frames(int count, unsigned seed) {
    fstack::synth::WarpedStackOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = count;
    o.seed = seed;
    o.max_shift = 6;
    const fstack::synth::WarpedStack stack(o);
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        std::vector<unsigned char> buf;
        EXPECT_TRUE(cv::imencode(".png", stack.render(i), buf));
        out.emplace_back(buf.begin(), buf.end());
    }
    return out;
}

void pause(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

bool wait_for_file(const fs::path& p, double seconds) {
    for (double t = 0; t < seconds; t += 0.1) {
        if (fs::exists(p)) return true;
        pause(0.1);
    }
    return fs::exists(p);
}

void expect_same_file(const fs::path& a, const fs::path& b) {
    ASSERT_TRUE(fs::exists(a)) << a;
    ASSERT_TRUE(fs::exists(b)) << b;
    const cv::Mat x = cv::imread(a.string(), cv::IMREAD_UNCHANGED), y = cv::imread(b.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(x.size(), y.size());
    EXPECT_EQ(cv::norm(x, y, cv::NORM_INF), 0) << a << " and " << b << " differ";
}

TEST(Watch, StackTakesFramesAsTheyArriveAndEqualsTheFinishedFolder) {
    TempDir dir;
    const fs::path in = dir / "live";
    fs::create_directories(in);
    const auto frames = encoded_frames(5, 3);
    const std::string cli = fstack::test::cli_path();
    const fs::path live = dir / "live.png";
    auto run = std::async(std::launch::async, [&] {
        return run_command(cli + " stack " + shell_quote(in.string()) + " --watch --frames 5 --idle 60 -o " +
                           shell_quote(live.string()) + " 2>&1");
    });
    // f1, f2; f3 in two parts a second apart; then f5 before f4.
    fstack::test::write_bytes(in / "f1.png", frames[0]);
    pause(0.4);
    fstack::test::write_bytes(in / "f2.png", frames[1]);
    pause(0.4);
    fstack::test::write_bytes(in / "f3.png", frames[2].substr(0, frames[2].size() / 2));
    pause(1.2);
    {
        std::FILE* f = std::fopen((in / "f3.png").c_str(), "ab");
        ASSERT_NE(f, nullptr);
        const std::string rest = frames[2].substr(frames[2].size() / 2);
        std::fwrite(rest.data(), 1, rest.size(), f);
        std::fclose(f);
    }
    pause(0.4);
    fstack::test::write_bytes(in / "f5.png", frames[4]);
    pause(0.6);
    EXPECT_FALSE(fs::exists(live)) << "stacked before the 5th frame arrived";
    fstack::test::write_bytes(in / "f4.png", frames[3]);
    ASSERT_EQ(run.wait_for(std::chrono::seconds(240)), std::future_status::ready);
    const auto r = run.get();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("5 frame(s) complete"), std::string::npos) << r.output;
    const fs::path finished = dir / "finished.png";
    const auto f = run_command(cli + " stack " + shell_quote(in.string()) + " -q -o " + shell_quote(finished.string()));
    ASSERT_EQ(f.exit_code, 0) << f.output;
    expect_same_file(live, finished);
}

TEST(Watch, StackEndsAfterIdleSecondsWithTheFramesSoFar) {
    TempDir dir;
    const fs::path in = dir / "live";
    fs::create_directories(in);
    const auto frames = encoded_frames(3, 4);
    for (int i = 0; i < 3; ++i) fstack::test::write_bytes(in / ("f" + std::to_string(i + 1) + ".png"), frames[size_t(i)]);
    const std::string cli = fstack::test::cli_path();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_command(cli + " stack " + shell_quote(in.string()) + " --watch --idle 2 -o " +
                         shell_quote((dir / "live.png").string()) + " 2>&1");
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_GE(took, 2.0) << "waited for --idle";
    r = run_command(cli + " stack " + shell_quote(in.string()) + " -q -o " + shell_quote((dir / "done.png").string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_same_file(dir / "live.png", dir / "done.png");

    // A folder that gets one frame only: an input error naming it, after --idle.
    fs::create_directories(dir / "one");
    fstack::test::write_bytes(dir / "one" / "f1.png", frames[0]);
    r = run_command(cli + " stack " + shell_quote((dir / "one").string()) + " --watch --idle 1 -o " +
                    shell_quote((dir / "one.png").string()) + " 2>&1");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("1 complete frame(s) after 1 s without a new one"), std::string::npos) << r.output;
    // --watch needs one folder.
    r = run_command(cli + " stack " + shell_quote((dir / "one" / "f1.png").string()) + " --watch -o " +
                    shell_quote((dir / "x.png").string()) + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(Watch, InterruptWhileWatchingWritesNothing) {
    TempDir dir;
    fs::create_directories(dir / "live");
    const auto frames = encoded_frames(2, 5);
    fstack::test::write_bytes(dir / "live" / "f1.png", frames[0]);
    fstack::test::SignalledRun run;
    ASSERT_NO_FATAL_FAILURE(fstack::test::run_cli_and_signal(
        {"stack", (dir / "live").string(), "--watch", "--idle", "600", "-o", (dir / "out.png").string()}, "watching",
        SIGINT, run));
    ASSERT_TRUE(run.sent) << run.output;
    ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
    EXPECT_EQ(WEXITSTATUS(run.status), 130) << run.output;
    EXPECT_FALSE(fs::exists(dir / "out.png"));
    for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().string().find("fstack-tmp"), std::string::npos);
}

TEST(Watch, BatchEmitsEachStackBeforeTheNextArrives) {
    TempDir dir;
    const fs::path in = dir / "scans";
    fs::create_directories(in);
    const auto a = encoded_frames(3, 6), b = encoded_frames(3, 7);
    const std::string cli = fstack::test::cli_path();
    auto run = std::async(std::launch::async, [&] {
        return run_command(cli + " batch " + shell_quote(in.string()) + " --watch --stack-size 3 --idle 4 --format png -o " +
                           shell_quote((dir / "live").string()) + " 2>&1");
    });
    for (int i = 0; i < 3; ++i) {
        fstack::test::write_bytes(in / ("scan_" + std::to_string(i + 1) + ".png"), a[size_t(i)]);
        pause(0.3);
    }
    // The first stack's result comes while the second stack's frames have not begun to arrive.
    EXPECT_TRUE(wait_for_file(dir / "live" / "scan_1.png", 120)) << "stack 1 not emitted";
    for (int i = 0; i < 3; ++i) {
        fstack::test::write_bytes(in / ("scan_" + std::to_string(i + 4) + ".png"), b[size_t(i)]);
        pause(0.3);
    }
    ASSERT_EQ(run.wait_for(std::chrono::seconds(240)), std::future_status::ready);
    const auto r = run.get();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("2 written"), std::string::npos) << r.output;
    const auto f = run_command(cli + " batch " + shell_quote(in.string()) + " --stack-size 3 --format png -q -o " +
                               shell_quote((dir / "done").string()));
    ASSERT_EQ(f.exit_code, 0) << f.output;
    expect_same_file(dir / "live" / "scan_1.png", dir / "done" / "scan_1.png");
    expect_same_file(dir / "live" / "scan_4.png", dir / "done" / "scan_4.png");
}

}  // namespace
