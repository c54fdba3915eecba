// SPDX-License-Identifier: GPL-3.0-or-later
// examples/batch/slurm-array.sh on a real Slurm: a one-node cluster on localhost that
// tests/cluster/slurm_local.sh starts (and stops) around this binary. A synthetic OpenScan run of
// 24 stacks of 8 frames (scan_1.jpg .. scan_192.jpg) is submitted with sbatch; the outputs are
// read back with OpenCV and the per-stack report lines (which Slurm task wrote what) with
// nlohmann-json; a task is cancelled with scancel while it stacks, and resubmitted alone; and
// fstack's memory figures are read inside a step that Slurm's cgroup plug-in limits.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "json_lines.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::CommandResult;
using fstack::test::run_command;
using fstack::test::shell_quote;
using fstack::test::TempDir;
using nlohmann::json;

constexpr int kStacks = 24, kFrames = 8, kShards = 8;

bool under_slurm_local() { return std::getenv("SLURM_CONF") && std::getenv("FSTACK_SLURM_DIR"); }

#define REQUIRE_SLURM()                                                                           \
    if (!under_slurm_local()) GTEST_SKIP() << "run through tests/cluster/slurm_local.sh (ctest -L slurm)"

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// The first frame of stack s (from 0) names its output.
std::string output_name(int s) { return "scan_" + std::to_string(s * kFrames + 1) + ".jpg"; }

// The outputs and temporaries in `dir`.
std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.insert(e.path().filename().string());
    return names;
}

// "JobState" of every task of an array job, by task id ("2" -> "CANCELLED").
std::map<std::string, std::string> task_states(const std::string& job) {
    std::map<std::string, std::string> states;
    const CommandResult r = run_command("scontrol -o show job " + job);
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
        const auto field = [&line](const std::string& key) {
            const size_t p = line.find(" " + key + "=");
            if (p == std::string::npos) return std::string();
            const size_t b = p + key.size() + 2;
            return line.substr(b, line.find(' ', b) - b);
        };
        if (!field("ArrayTaskId").empty()) states[field("ArrayTaskId")] = field("JobState");
    }
    return states;
}

// Waits until no task of `job` is pending or running (at most `seconds`).
bool wait_for_job(const std::string& job, int seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (trim(run_command("squeue -h -j " + job + " -o %i").output).empty()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

class SlurmArray : public ::testing::Test {
protected:
    // The scan run: 24 stacks, each the same synthetic 8-frame focus stack (the scheduler and the
    // batch machinery are under test, not the stacking), of width x height pixels; the stacks at
    // the positions in `large` of large_width x large_height (slow enough to be cancelled).
    void make_run(int width, int height, const std::set<int>& large = {}, int large_width = 0, int large_height = 0) {
        ASSERT_NO_FATAL_FAILURE(fstack::test::write_scan_run(scan(), kStacks, kFrames, width, height));
        if (!large.empty()) {
            const fs::path big = tmp_ / "large";
            ASSERT_NO_FATAL_FAILURE(fstack::test::write_scan_run(big, 1, kFrames, large_width, large_height));
            for (int s : large)
                for (int k = 1; k <= kFrames; ++k)
                    fs::copy_file(big / ("scan_" + std::to_string(k) + ".jpg"),
                                  scan() / ("scan_" + std::to_string(s * kFrames + k) + ".jpg"),
                                  fs::copy_options::overwrite_existing);
        }
        for (int s = 0; s < kStacks; ++s)
            size_[output_name(s)] = large.count(s) ? cv::Size(large_width, large_height) : cv::Size(width, height);
    }

    // sbatch of the example script as a user would submit it (SCAN, OUT, REPORT exported), with
    // this machine's sizes: 1 CPU and 1 GiB per task instead of the script's 4 and 8G (the
    // node has 2 CPUs). `extra`: more sbatch options. Returns the job id.
    std::string submit(const std::string& extra = "") {
        const std::string exports = "ALL,PATH=" + fs::path(FSTACK_CLI).parent_path().string() + ":" +
                                    std::getenv("PATH") + ",SCAN=" + scan().string() + ",OUT=" + out().string() +
                                    ",REPORT=" + report().string();
        const CommandResult r = run_command("sbatch --parsable --cpus-per-task=1 --mem=1G --chdir=" +
                                            shell_quote(tmp_.path().string()) + " --export=" + shell_quote(exports) +
                                            " " + extra + " " + shell_quote(FSTACK_SOURCE_DIR "/examples/batch/slurm-array.sh"));
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return trim(r.output.substr(0, r.output.find(';')));
    }

    // Every output is there, once, a whole JPEG of the frames' size; no temporary is left.
    void expect_complete_outputs() {
        std::set<std::string> expected;
        for (int s = 0; s < kStacks; ++s) expected.insert(output_name(s));
        EXPECT_EQ(files_in(out()), expected);
        for (const std::string& name : expected) {
            const cv::Mat m = cv::imread((out() / name).string());
            ASSERT_FALSE(m.empty()) << name;
            EXPECT_EQ(m.size(), size_[name]) << name;
        }
    }

    std::string task_log(const std::string& job, int task) const {
        std::ifstream in(tmp_ / ("fstack-batch-" + job + "_" + std::to_string(task) + ".log"));
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }

    fs::path scan() const { return tmp_ / "scan"; }
    fs::path out() const { return tmp_ / "stacked"; }
    fs::path report() const { return tmp_ / "run.jsonl"; }
    TempDir tmp_{"fstack-slurm"};
    std::map<std::string, cv::Size> size_;  // of each output
};

TEST_F(SlurmArray, EveryOutputWrittenExactlyOnce) {
    REQUIRE_SLURM();
    ASSERT_NO_FATAL_FAILURE(make_run(96, 72));
    const std::string job = submit();
    ASSERT_FALSE(job.empty());
    ASSERT_TRUE(wait_for_job(job, 180)) << "the array did not finish in 3 minutes";
    const auto states = task_states(job);
    ASSERT_EQ(states.size(), size_t(kShards));
    for (const auto& [task, state] : states) EXPECT_EQ(state, "COMPLETED") << "task " << task << ": " << task_log(job, std::stoi(task));
    expect_complete_outputs();

    // Each stack written once, by the task whose shard it is: position p by task p % 8 + 1.
    const std::vector<json> lines = fstack::test::read_json_lines(report());
    ASSERT_EQ(lines.size(), size_t(kStacks));
    std::set<std::string> stacks;
    for (const json& j : lines) {
        EXPECT_EQ(j.at("status"), "ok") << j.dump();
        const std::string name = j.at("stack");
        EXPECT_TRUE(stacks.insert(name).second) << name << " written twice";
        const int p = (std::stoi(name.substr(5)) - 1) / kFrames;
        ASSERT_TRUE(j.at("slurm").is_object()) << j.dump();
        EXPECT_EQ(j.at("slurm").at("array_job_id"), job);
        EXPECT_EQ(j.at("slurm").at("array_task_id"), std::to_string(p % kShards + 1)) << name;
    }
    for (int t = 1; t <= kShards; ++t)
        EXPECT_NE(task_log(job, t).find("batch: 3 written, 0 skipped (output exists), 0 failed"), std::string::npos)
            << "task " << t << ": " << task_log(job, t);
}

// scancel of a task while it stacks: it stops cleanly (no temporary, no half image), and the same
// task submitted again alone (--array=2) does the rest of its shard only.
TEST_F(SlurmArray, CancelledTaskResumesWhenResubmitted) {
    REQUIRE_SLURM();
    // Task 2's shard (positions 1, 9, 17 -> scan_9, scan_73, scan_137) of frames large enough
    // for a stack to take a second or more, so that the cancel lands between its first and last
    // stack; the other tasks' stacks small, so that they end at once.
    ASSERT_NO_FATAL_FAILURE(make_run(96, 72, {1, 9, 17}, 800, 600));
    const std::string job = submit();
    ASSERT_FALSE(job.empty());
    const fs::path first = out() / output_name(1), last = out() / output_name(17);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(first) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(first)) << "task 2 wrote nothing in 2 minutes: " << task_log(job, 2);
    const CommandResult cancel = run_command("scancel " + job + "_2");
    ASSERT_EQ(cancel.exit_code, 0) << cancel.output;
    ASSERT_TRUE(wait_for_job(job, 240)) << "the array did not finish in 4 minutes";
    EXPECT_EQ(task_states(job)["2"], "CANCELLED");
    ASSERT_FALSE(fs::exists(last)) << "task 2 finished its shard before scancel reached it: the test proves nothing";
    for (const std::string& name : files_in(out()))
        EXPECT_NE(name[0], '.') << "a temporary was left behind: " << name;
    // fstack got Slurm's SIGTERM and stopped itself (not SIGKILL after KillWait), and its report
    // lines claim no output that is not there.
    EXPECT_NE(task_log(job, 2).find("fstack: interrupted; run the same command again to finish the batch"),
              std::string::npos)
        << task_log(job, 2);
    for (const json& j : fstack::test::read_json_lines(report()))
        if (j.at("status") == "ok") EXPECT_TRUE(fs::exists(j.at("output").get<std::string>())) << j.dump();

    std::map<std::string, fs::file_time_type> before;
    for (const std::string& name : files_in(out())) before[name] = fs::last_write_time(out() / name);
    const size_t lines_before = fstack::test::read_json_lines(report()).size();

    const std::string again = submit("--array=2");
    ASSERT_FALSE(again.empty());
    ASSERT_TRUE(wait_for_job(again, 120)) << "the resubmitted task did not finish in 2 minutes";
    EXPECT_EQ(task_states(again)["2"], "COMPLETED") << task_log(again, 2);
    expect_complete_outputs();
    for (const auto& [name, time] : before) EXPECT_EQ(fs::last_write_time(out() / name), time) << name << " was redone";

    // The resubmitted task's lines: what existed skipped, the rest written, nothing else.
    const std::vector<json> lines = fstack::test::read_json_lines(report());
    std::set<std::string> skipped, written;
    for (size_t i = lines_before; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].at("slurm").at("array_job_id"), again);
        (lines[i].at("status") == "skipped" ? skipped : written).insert(lines[i].at("stack").get<std::string>());
        EXPECT_NE(lines[i].at("status"), "failed") << lines[i].dump();
    }
    std::set<std::string> shard2 = {"scan_9", "scan_73", "scan_137"};
    std::set<std::string> both = skipped;
    both.insert(written.begin(), written.end());
    EXPECT_EQ(both, shard2);
    EXPECT_EQ(skipped.count("scan_9"), 1u);
    EXPECT_EQ(written.count("scan_137"), 1u);
}

// fstack info inside a step of --mem=300M: what fstack reads as its memory limit there.
class SlurmStepMemory : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_SLURM();
        const char* cgroup = std::getenv("FSTACK_SLURM_CGROUP");
        if (!cgroup || std::string(cgroup) != "v1")
            GTEST_SKIP() << "slurmd runs with task/none here (no writable cgroup memory hierarchy): steps have no "
                            "memory limit to read";
    }
    std::string info_in_step() {
        const CommandResult r = run_command("srun --mem=300M -n1 " + shell_quote(FSTACK_CLI) + " info");
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return r.output;
    }
    static std::uint64_t bytes_on(const std::string& output, const std::string& key) {
        const size_t p = output.find(key + ": ");
        const size_t open = output.find('(', p);
        if (p == std::string::npos || open == std::string::npos) return 0;
        return std::stoull(output.substr(open + 1));
    }
    static constexpr std::uint64_t kLimit = 300ull << 20;
};

TEST_F(SlurmStepMemory, CgroupLimitAndBatchBudget) {
    const std::string info = info_in_step();
    EXPECT_NE(info.find("cgroup memory limit: 300 MiB (314572800 bytes)"), std::string::npos) << info;
    EXPECT_EQ(bytes_on(info, "batch memory budget"), kLimit / 2) << info;
}

// Needs available_memory() to read the process's own cgroup (v1, or a nested v2 one): the memory
// a stack is checked against must not exceed what the step allows.
TEST_F(SlurmStepMemory, AvailableMemoryWithinTheStepLimit) {
    const std::string info = info_in_step();
    const std::uint64_t available = bytes_on(info, "memory available");
    EXPECT_GT(available, 0u) << info;
    EXPECT_LE(available, kLimit) << info;
}

}  // namespace
