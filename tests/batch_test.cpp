// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of `fstack batch` on an OpenScan-like run: 20 stacks of 8 frames named
// scan_1.jpg ... scan_160.jpg in one folder. Small frames (96x72) keep the whole file fast.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "fstack/image_io.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::CommandResult;
using fstack::test::contains;
using fstack::test::fstack_cli;
using fstack::test::TempDir;

constexpr int kStacks = 20, kFrames = 8;

// The visible files of a folder (hidden ones would be temporaries).
std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().filename().string()[0] != '.') names.insert(entry.path().filename().string());
    return names;
}

std::map<std::string, fs::file_time_type> mtimes(const fs::path& dir) {
    std::map<std::string, fs::file_time_type> t;
    for (const std::string& name : names_in(dir)) t[name] = fs::last_write_time(dir / name);
    return t;
}

// The outputs a complete batch writes: one per stack, named after its first frame.
std::set<std::string> expected_outputs() {
    std::set<std::string> names;
    for (int s = 0; s < kStacks; ++s) names.insert("scan_" + std::to_string(s * kFrames + 1) + ".jpg");
    return names;
}

// The stack names listed by --dry-run ("scan_9: 8 frames, ... -> ...").
std::vector<std::string> planned_stacks(const std::string& dry_run_output) {
    std::vector<std::string> names;
    std::istringstream lines(dry_run_output);
    for (std::string line; std::getline(lines, line);)
        if (contains(line, " -> ")) names.push_back(line.substr(0, line.find(':')));
    return names;
}

class Batch : public ::testing::Test {
protected:
    // The scan folder: every stack is the same synthetic 8-frame stack (the batch machinery is
    // under test here, not the stacking).
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(fstack::test::write_scan_run(in(), kStacks, kFrames, 96, 72)); }

    fs::path in() const { return tmp_ / "scan"; }
    fs::path out() const { return tmp_ / "stacked"; }

    CommandResult batch(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"batch", in().string(), "-o", out().string(), "--stack-size", "8"};
        args.insert(args.end(), extra.begin(), extra.end());
        return fstack_cli(args);
    }

    TempDir tmp_{"fstack-batch"};
};

TEST_F(Batch, WritesOneImagePerStack) {
    const CommandResult r = batch({"--jobs", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(out()), expected_outputs()) << r.output;
    EXPECT_TRUE(contains(r.output, "20 written")) << r.output;
    for (const std::string& name : expected_outputs()) {
        const cv::Mat image = fstack::read_image(out() / name);
        EXPECT_EQ(image.size(), cv::Size(96, 72)) << name;
    }
    // Each result is what `fstack stack` makes of the same frames with the same options.
    std::vector<std::string> args = {"stack"};
    for (int i = 9; i <= 16; ++i) args.push_back((in() / ("scan_" + std::to_string(i) + ".jpg")).string());
    args.insert(args.end(), {"-o", (tmp_ / "single.jpg").string()});
    const CommandResult single = fstack_cli(args);
    ASSERT_EQ(single.exit_code, 0) << single.output;
    EXPECT_EQ(fstack::test::file_bytes(tmp_ / "single.jpg"), fstack::test::file_bytes(out() / "scan_9.jpg"));
}

TEST_F(Batch, SecondRunSkipsEveryStack) {
    ASSERT_EQ(batch().exit_code, 0);
    const auto before = mtimes(out());
    const CommandResult again = batch();
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_TRUE(contains(again.output, "20 stack(s) skipped")) << again.output;
    EXPECT_EQ(mtimes(out()), before) << "a done stack was written again";
}

TEST_F(Batch, RerunWritesOnlyTheMissingOutputs) {
    ASSERT_EQ(batch().exit_code, 0);
    const std::vector<std::string> removed = {"scan_1.jpg", "scan_41.jpg", "scan_153.jpg"};
    for (const std::string& name : removed) fs::remove(out() / name);
    const auto before = mtimes(out());
    const CommandResult r = batch();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(out()), expected_outputs());
    EXPECT_TRUE(contains(r.output, "3 written, 17 skipped")) << r.output;
    const auto after = mtimes(out());
    for (const auto& [name, time] : before) EXPECT_EQ(after.at(name), time) << name << " was redone";

    // --overwrite redoes everything.
    const CommandResult all = batch({"--overwrite"});
    ASSERT_EQ(all.exit_code, 0) << all.output;
    EXPECT_TRUE(contains(all.output, "20 written")) << all.output;
}

// Killed halfway (Ctrl-C, or SIGKILL as an out-of-time Slurm job gets), then run again: the
// second run finishes the rest without redoing what the first one wrote, and every output is
// a complete image.
void kill_and_resume(const fs::path& in, const fs::path& out, int signal) {
    fstack::test::SignalledRun run;
    ASSERT_NO_FATAL_FAILURE(fstack::test::run_cli_and_signal(
        {"batch", in.string(), "-o", out.string(), "--stack-size", "8", "--jobs", "1"}, "[5/20]", signal, run));
    const std::string& output = run.output;
    const int status = run.status;
    ASSERT_TRUE(run.sent) << output;
    if (signal == SIGINT) {
        ASSERT_TRUE(WIFEXITED(status)) << output;
        EXPECT_EQ(WEXITSTATUS(status), 130) << output;
        EXPECT_TRUE(contains(output, "run the same command again")) << output;
    }
    const auto done = mtimes(out);
    EXPECT_GE(done.size(), 5u) << output;
    EXPECT_LT(done.size(), 20u) << "the batch ended before the signal: the test proves nothing\n" << output;

    const CommandResult resumed = fstack_cli({"batch", in.string(), "-o", out.string(), "--stack-size", "8"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_TRUE(contains(resumed.output, std::to_string(done.size()) + " skipped")) << resumed.output;
    EXPECT_EQ(names_in(out), expected_outputs());
    const auto after = mtimes(out);
    for (const auto& [name, time] : done) EXPECT_EQ(after.at(name), time) << name << " was redone";
    for (const std::string& name : expected_outputs())
        EXPECT_NO_THROW(fstack::read_image(out / name)) << name << " is not a complete image";
}

TEST_F(Batch, InterruptedBatchResumes) { kill_and_resume(in(), out(), SIGINT); }
TEST_F(Batch, KilledBatchResumes) { kill_and_resume(in(), out(), SIGKILL); }

TEST_F(Batch, CorruptFrameFailsItsStackOnly) {
    // scan_36.jpg, the 4th frame of stack scan_33, cut in half.
    const fs::path bad = in() / "scan_36.jpg";
    const std::string bytes = fstack::test::file_bytes(bad);
    {
        std::FILE* f = std::fopen(bad.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fwrite(bytes.data(), 1, bytes.size() / 2, f);
        std::fclose(f);
    }
    const CommandResult r = batch({"--jobs", "2"});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.exit_code, 3) << "an input error" << r.output;
    auto expected = expected_outputs();
    expected.erase("scan_33.jpg");
    EXPECT_EQ(names_in(out()), expected) << r.output;
    EXPECT_TRUE(contains(r.output, "19 written")) << r.output;
    // The summary at the end names the stack and the frame.
    const std::string summary = r.output.substr(r.output.find("fstack: batch:"));
    EXPECT_TRUE(contains(summary, "1 failed")) << summary;
    EXPECT_TRUE(contains(summary, "scan_33 (8 frames)")) << summary;
    EXPECT_TRUE(contains(summary, "scan_36.jpg")) << summary;
}

TEST_F(Batch, ShardsCoverTheBatchExactlyOnce) {
    std::multiset<std::string> seen;
    size_t largest = 0, smallest = kStacks;
    for (const char* shard : {"1/3", "2/3", "3/3"}) {
        const CommandResult r = batch({"--shard", shard, "--dry-run"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const auto stacks = planned_stacks(r.output);
        largest = std::max(largest, stacks.size());
        smallest = std::min(smallest, stacks.size());
        seen.insert(stacks.begin(), stacks.end());
    }
    std::multiset<std::string> all;
    for (const std::string& name : expected_outputs()) all.insert(name.substr(0, name.size() - 4));
    EXPECT_EQ(seen, all);
    EXPECT_LE(largest - smallest, 1u) << "shards should be balanced";

    // And for real: three runs into one folder write each output once.
    for (const char* shard : {"1/3", "2/3", "3/3"}) {
        const CommandResult r = batch({"--shard", shard});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_TRUE(contains(r.output, "0 skipped")) << shard << " redid another shard's stack\n" << r.output;
    }
    EXPECT_EQ(names_in(out()), expected_outputs());
}

TEST_F(Batch, DryRunPrintsTheGroupingAndWritesNothing) {
    const CommandResult r = batch({"--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_FALSE(fs::exists(out())) << "--dry-run created the output folder";
    const auto stacks = planned_stacks(r.output);
    ASSERT_EQ(stacks.size(), 20u) << r.output;
    EXPECT_EQ(stacks[1], "scan_9");
    EXPECT_TRUE(contains(r.output, "scan_9: 8 frames, scan_9.jpg .. scan_16.jpg -> ")) << r.output;

    // With some outputs there, it says which it would skip, and still writes nothing.
    fs::create_directories(out());
    fstack::write_image(out() / "scan_17.jpg", fstack::read_image(in() / "scan_17.jpg"));
    const auto before = mtimes(out());
    const CommandResult again = batch({"--dry-run"});
    EXPECT_TRUE(contains(again.output, "scan_17.jpg (exists: skip)")) << again.output;
    EXPECT_EQ(mtimes(out()), before);
}

TEST_F(Batch, GroupByFileNamePattern) {
    // A run named by position: pos<k>_<shot>.png, plus a file that belongs to no stack.
    const fs::path dir = tmp_ / "by-position";
    fs::create_directories(dir);
    for (int k = 1; k <= 3; ++k)
        for (int shot = 1; shot <= 4; ++shot)
            fs::copy_file(in() / ("scan_" + std::to_string(shot) + ".jpg"),
                          dir / ("pos" + std::to_string(k) + "_" + std::to_string(shot) + ".jpg"));
    fs::copy_file(in() / "scan_1.jpg", dir / "preview.jpg");
    const fs::path o = tmp_ / "by-position-out";
    const CommandResult r = fstack_cli({"batch", dir.string(), "-o", o.string(), "--group-by", "^(pos[0-9]+)_",
                                        "--format", "png", "--postfix", "_stacked"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(o), (std::set<std::string>{"pos1_stacked.png", "pos2_stacked.png", "pos3_stacked.png"}));
    EXPECT_TRUE(contains(r.output, "preview.jpg")) << "the left-out file is named\n" << r.output;

    const CommandResult no_group = fstack_cli({"batch", dir.string(), "-o", o.string(), "--group-by", "pos[0-9]+"});
    EXPECT_EQ(no_group.exit_code, 2) << no_group.output;
    EXPECT_TRUE(contains(no_group.output, "capture group")) << no_group.output;
}

TEST_F(Batch, FocusMeasureStackerAndItsOptions) {
    const CommandResult r = batch({"--stacker", "focusmeasure", "--radius", "4", "--smoothing", "2", "--scale-factor", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(out()).size(), 20u);
    // Options of another stacker are refused, before any work.
    const CommandResult wrong = batch({"--stacker", "pyramid", "--radius", "4", "--overwrite"});
    EXPECT_EQ(wrong.exit_code, 2) << wrong.output;
    EXPECT_TRUE(contains(wrong.output, "--radius")) << wrong.output;
    const CommandResult kernel = batch({"--stacker", "focusmeasure", "--kernel-size", "5", "--overwrite"});
    EXPECT_EQ(kernel.exit_code, 2) << kernel.output;
}

TEST_F(Batch, TinyMemoryBudgetRunsOneStackAtATime) {
    const CommandResult r = batch({"--jobs", "4", "--max-memory", "1M"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(out()), expected_outputs());
    EXPECT_TRUE(contains(r.output, "will run alone")) << r.output;
}

TEST_F(Batch, UsageAndInputErrors) {
    const std::string i = in().string(), o = out().string();
    const std::vector<std::vector<std::string>> usage = {
        {"batch", i, "-o", o},                                                    // no grouping
        {"batch", i, "-o", o, "--stack-size", "8", "--group-by", "(.*)_"},        // both
        {"batch", i, "-o", o, "--stack-size", "1"},                               // a stack of one
        {"batch", i, "-o", o, "--stack-size", "8", "--shard", "4/3"},
        {"batch", i, "-o", o, "--stack-size", "8", "--shard", "0/3"},
        {"batch", i, "-o", o, "--stack-size", "8", "--shard", "two"},
        {"batch", i, "-o", o, "--stack-size", "8", "--max-memory", "lots"},
        {"batch", i, "-o", o, "--stack-size", "8", "--jobs", "0"},
        {"batch", i, "-o", i, "--stack-size", "8"},                               // output = input
        {"batch", i, "-o", o, "--group-by", "([a-z"},                             // bad regex
    };
    for (const auto& args : usage) {
        const CommandResult r = fstack_cli(args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.exit_code, 2) << line << "\n" << r.output;
    }
    EXPECT_FALSE(fs::exists(out()));

    // 160 frames are not a multiple of 7: a frame is missing or extra somewhere.
    const CommandResult seven = fstack_cli({"batch", i, "-o", o, "--stack-size", "7"});
    EXPECT_EQ(seven.exit_code, 3) << seven.output;
    EXPECT_TRUE(contains(seven.output, "not a multiple")) << seven.output;
    const CommandResult kept = fstack_cli({"batch", i, "-o", o, "--stack-size", "7", "--keep-partial", "--dry-run"});
    EXPECT_EQ(kept.exit_code, 0) << kept.output;
    EXPECT_EQ(planned_stacks(kept.output).size(), 23u) << kept.output;  // 22 of 7, one of 6

    const CommandResult missing = fstack_cli({"batch", (tmp_ / "nope").string(), "-o", o, "--stack-size", "8"});
    EXPECT_EQ(missing.exit_code, 3) << missing.output;
}

}  // namespace
