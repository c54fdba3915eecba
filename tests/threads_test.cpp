// SPDX-License-Identifier: GPL-3.0-or-later
// --threads: every stacker, every pass, gives bit-identical results for 1, 2 and 3 threads
// (in memory and through `fstack stack` with the default alignment and balance); the cores come
// from the CPU affinity and the cgroup CPU quota; a cancel or a bad frame while several frames
// are in flight ends the run with the same error as one frame at a time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/threads.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::contains;

struct Case {
    std::string name;
    std::unique_ptr<fstack::Stacker> (*make)();
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"pyramid", [] { return std::unique_ptr<fstack::Stacker>(new fstack::PyramidStack()); }},
        {"pyramid_one_pass_seed_base",
         [] {
             fstack::PyramidStackOptions o;
             o.consistency = false;
             o.cross_scale = false;
             o.gen_kernel = 0.375;  // OpenCV's own pyrDown/pyrUp
             return std::unique_ptr<fstack::Stacker>(new fstack::PyramidStack(o));
         }},
        {"depthmap_max", [] { return std::unique_ptr<fstack::Stacker>(new fstack::DepthMapStack()); }},
        {"depthmap_average",
         [] {
             fstack::DepthMapStackOptions o;
             o.map_type = fstack::MapType::Average;
             return std::unique_ptr<fstack::Stacker>(new fstack::DepthMapStack(o));
         }},
        {"focusmeasure", [] { return std::unique_ptr<fstack::Stacker>(new fstack::FocusStacker()); }},
    };
    return all;
}

const fstack::test::SyntheticStack& stack(bool sixteen_bit) {
    fstack::synth::SceneOptions o;
    o.width = 320;
    o.height = 240;
    o.frames = 7;
    o.sixteen_bit = sixteen_bit;
    return fstack::test::cached_stack(o);
}

struct Outcome {
    cv::Mat image, depth_map;
};

Outcome run_with_threads(const Case& c, int threads, const std::vector<cv::Mat>& frames) {
    const fstack::ScopedThreads scoped(threads);
    const std::unique_ptr<fstack::Stacker> stacker = c.make();
    fstack::MemoryFrameSource source(frames);
    Outcome r;
    r.image = fstack::run_stacker(*stacker, source);
    r.depth_map = stacker->depth_map().clone();
    return r;
}

double max_difference(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return -1;
    return cv::norm(a, b, cv::NORM_INF);
}

TEST(Threads, EveryStackerIsBitIdenticalForOneTwoAndThreeThreads) {
    for (const bool sixteen_bit : {false, true}) {
        const std::vector<cv::Mat>& frames = stack(sixteen_bit).frames;
        for (const Case& c : cases()) {
            SCOPED_TRACE(c.name + (sixteen_bit ? " 16-bit" : " 8-bit"));
            const Outcome one = run_with_threads(c, 1, frames);
            ASSERT_FALSE(one.image.empty());
            // The result is a real stack: closer to the ground truth than the average of the frames.
            const cv::Mat truth = stack(sixteen_bit).scene.ground_truth;
            EXPECT_LT(cv::norm(one.image, truth, cv::NORM_L2), cv::norm(fstack::test::plain_average(frames), truth, cv::NORM_L2));
            for (const int threads : {2, 3}) {
                const Outcome many = run_with_threads(c, threads, frames);
                EXPECT_EQ(max_difference(one.image, many.image), 0.0) << threads << " threads";
                EXPECT_EQ(max_difference(one.depth_map, many.depth_map), 0.0) << threads << " threads";
            }
        }
    }
}

TEST(Threads, RgbaAndGreyFramesToo) {
    const std::vector<cv::Mat>& bgr = stack(false).frames;
    for (const int code : {cv::COLOR_BGR2BGRA, cv::COLOR_BGR2GRAY}) {
        std::vector<cv::Mat> frames;
        for (const cv::Mat& f : bgr) {
            cv::Mat g;
            cv::cvtColor(f, g, code);
            frames.push_back(g);
        }
        const Outcome one = run_with_threads(cases()[0], 1, frames);
        const Outcome three = run_with_threads(cases()[0], 3, frames);
        EXPECT_EQ(one.image.channels(), frames[0].channels());
        EXPECT_EQ(max_difference(one.image, three.image), 0.0);
    }
}

// Cancels at the `at`-th progress step.
class CancelAt : public fstack::Progress {
public:
    explicit CancelAt(int at) : at_(at) {}
    void log(fstack::LogLevel, const std::string&) override {}
    void step(int) override { ++steps_; }
    bool cancelled() override { return steps_ >= at_; }

private:
    int at_;
    int steps_ = 0;
};

TEST(Threads, CancelWithFramesInFlightEndsTheRun) {
    const fstack::ScopedThreads scoped(3);
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.name);
        CancelAt progress(3);
        const std::unique_ptr<fstack::Stacker> stacker = c.make();
        fstack::MemoryFrameSource source(stack(false).frames);
        const fstack::Error e = fstack::test::expect_error([&] { fstack::run_stacker(*stacker, source, progress); });
        EXPECT_EQ(e.kind(), fstack::ErrorKind::Cancelled) << e.what();
    }
}

// Begins on the reference slowly in the pipeline's copy (a clone of the one given; its twin
// for the frames below the reference, a clone of the clone, is quick), and refuses to replay a
// frame before it has begun.
class SlowToBegin : public fstack::FrameAction {
public:
    explicit SlowToBegin(int generation) : generation_(generation) {}
    std::string name() const override { return "SlowToBegin"; }
    cv::Mat begin(const cv::Mat& f, const fstack::FrameActionContext&) override {
        if (generation_ == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
        begun_ = true;
        return f;
    }
    cv::Mat process(const cv::Mat& f, int, int) override { return f; }
    cv::Mat replay(const cv::Mat& f, int) override {
        if (!begun_) throw fstack::Error(fstack::ErrorKind::Internal, "SlowToBegin: replayed before begin");
        return f;
    }
    std::unique_ptr<fstack::FrameAction> clone() const override { return std::make_unique<SlowToBegin>(generation_ + 1); }

private:
    int generation_;
    std::atomic<bool> begun_{false};
};

// CI once failed `fstack stack` on 3 frames with "BalanceFrames: frame 2 not balanced yet":
// the lower chain, done with the reference first, marked it decided, and the reference was
// replayed by the upper chain's actions before they had begun on it.
TEST(Threads, TheReferenceWaitsForItsOwnChain) {
    const fstack::ScopedThreads scoped(2);
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 5; ++i) frames.emplace_back(8, 8, CV_8UC3, cv::Scalar::all(20 * i));
    fstack::MemoryFrameSource source(frames);
    fstack::FramePipeline pipeline;
    pipeline.actions.push_back(std::make_unique<SlowToBegin>(0));
    const auto processed = fstack::process_frames(source, pipeline);
    cv::Mat reference;
    ASSERT_NO_THROW(reference = processed->frame(2));
    EXPECT_EQ(cv::norm(reference, frames[2], cv::NORM_INF), 0);
    for (int i : {0, 1, 3, 4}) EXPECT_EQ(cv::norm(processed->frame(i), frames[size_t(i)], cv::NORM_INF), 0) << i;
}

TEST(Threads, AFrameOfAnotherSizeIsNamedAsWithOneThread) {
    std::vector<cv::Mat> frames = stack(false).frames;
    cv::resize(frames[4], frames[4], cv::Size(300, 200));
    std::string messages[2];
    for (const int threads : {1, 3}) {
        const fstack::ScopedThreads scoped(threads);
        fstack::PyramidStack stacker;
        fstack::MemoryFrameSource source(frames);
        const fstack::Error e = fstack::test::expect_error([&] { fstack::run_stacker(stacker, source); });
        EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
        EXPECT_EQ(e.frame_index(), 4) << e.what();
        EXPECT_TRUE(contains(e.what(), "frame size or type differs from the first frame's (300x200 vs 320x240)"))
            << e.what();
        messages[threads == 1 ? 0 : 1] = e.what();
    }
    EXPECT_EQ(messages[0], messages[1]);
}

// `fstack stack` with its defaults (alignment and balance on) on frames that move: the same
// file, byte for byte, for --threads 1, 2 and 3.
TEST(Threads, CliResultFilesAreByteIdentical) {
    const fstack::test::TempDir dir("fstack-threads");
    const fs::path in = dir.path() / "in";
    fs::create_directories(in);
    const std::vector<cv::Mat>& frames = stack(false).frames;
    for (size_t i = 0; i < frames.size(); ++i) {
        // A little breathing and a shift, so that the alignment has work to do.
        const double s = 1.0 + 0.004 * (double(i) - 3.0);
        cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(160, 120), 0.1 * double(i), s);
        m.at<double>(0, 2) += 1.5 * double(i);
        cv::Mat moved;
        cv::warpAffine(frames[i], moved, m, frames[i].size(), cv::INTER_CUBIC, cv::BORDER_REFLECT101);
        ASSERT_TRUE(cv::imwrite((in / ("f" + std::to_string(i) + ".png")).string(), moved));
    }
    std::string first;
    for (const std::string stacker : {"pyramid", "depthmap"}) {
        for (const int threads : {1, 2, 3}) {
            const fs::path out = dir.path() / (stacker + std::to_string(threads) + ".png");
            const fs::path depth = dir.path() / (stacker + std::to_string(threads) + "_depth.png");
            const auto r = fstack::test::fstack_cli({"stack", in.string(), "-o", out.string(), "--stacker", stacker,
                                                     "--depth-map", depth.string(), "--threads",
                                                     std::to_string(threads), "-q"});
            ASSERT_EQ(r.exit_code, 0) << r.output;
            const std::string bytes = fstack::test::file_bytes(out) + fstack::test::file_bytes(depth);
            if (threads == 1) first = bytes;
            else EXPECT_TRUE(bytes == first) << stacker << ": --threads " << threads << " differs from --threads 1";
        }
    }
}

// One stack at a time on two threads, with the default alignment analysing on its own thread:
// each pass used to set OpenCV's thread count while that thread was inside OpenCV's TBB arena,
// and about one run in ten of this batch ended with SIGSEGV (a Slurm array task did).
TEST(Threads, BatchOfSmallAlignedStacksOnTwoThreadsNeverCrashes) {
    const fstack::test::TempDir dir("fstack-threads-batch");
    const fs::path in = dir.path() / "in";
    fs::create_directories(in);
    cv::RNG rng(7);
    for (int i = 1; i <= 96; ++i) {
        cv::Mat m(72, 96, CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, 0, 255);
        cv::GaussianBlur(m, m, cv::Size(), 1 + ((i - 1) % 8) * 0.5);
        ASSERT_TRUE(cv::imwrite((in / ("scan_" + std::to_string(i) + ".jpg")).string(), m));
    }
    for (int run = 0; run < 15; ++run) {
        const fs::path out = dir.path() / ("out" + std::to_string(run));
        const auto r = fstack::test::fstack_cli({"batch", in.string(), "-o", out.string(), "--stack-size", "8",
                                                 "--stacker", "focusmeasure", "--jobs", "1", "--threads", "2", "-q"});
        ASSERT_EQ(r.exit_code, 0) << "run " << run << ": " << r.output;
        EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 12);
    }
}

TEST(Threads, BadThreadCountsAreUsageErrors) {
    for (const std::string bad : {"-1", "1025", "two"}) {
        const auto r = fstack::test::fstack_cli({"stack", "nowhere", "-o", "x.png", "--threads", bad});
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(contains(r.output, "--threads")) << r.output;
    }
    EXPECT_THROW(fstack::set_threads(-2), fstack::Error);
}

// Fabricated roots: /proc/self/cgroup, mountinfo and the CPU controller's files.
class FakeRoot {
public:
    void put(const std::string& relative, const std::string& text) {
        fs::create_directories((dir_.path() / relative).parent_path());
        fstack::test::write_bytes(dir_.path() / relative, text);
    }
    const fs::path& path() const { return dir_.path(); }

private:
    fstack::test::TempDir dir_{"fstack-cpu-cgroup"};
};

const std::string kV2Mount = "30 24 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

TEST(Threads, CpuQuotaOfANestedV2Cgroup) {
    FakeRoot root;
    root.put("proc/self/cgroup", "0::/system.slice/slurmstepd.scope/job_7/step_0\n");
    root.put("proc/self/mountinfo", kV2Mount);
    root.put("sys/fs/cgroup/system.slice/cpu.max", "max 100000\n");
    root.put("sys/fs/cgroup/system.slice/slurmstepd.scope/job_7/cpu.max", "250000 100000\n");
    root.put("sys/fs/cgroup/system.slice/slurmstepd.scope/job_7/step_0/cpu.max", "max 100000\n");
    EXPECT_DOUBLE_EQ(fstack::cgroup_cpu_quota(root.path()), 2.5);
    EXPECT_EQ(fstack::available_cores(root.path()), std::min(3, cv::getNumberOfCPUs()));
    // A smaller quota further up wins.
    root.put("sys/fs/cgroup/system.slice/cpu.max", "50000 100000\n");
    EXPECT_DOUBLE_EQ(fstack::cgroup_cpu_quota(root.path()), 0.5);
    EXPECT_EQ(fstack::available_cores(root.path()), 1);
}

TEST(Threads, CpuQuotaOfAV1CgroupAndNone) {
    FakeRoot root;
    root.put("proc/self/cgroup", "5:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n");
    root.put("proc/self/mountinfo",
             "31 24 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n");
    root.put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n");
    root.put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
    EXPECT_DOUBLE_EQ(fstack::cgroup_cpu_quota(root.path()), 0.0);
    EXPECT_EQ(fstack::available_cores(root.path()), cv::getNumberOfCPUs());
    root.put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "150000\n");
    EXPECT_DOUBLE_EQ(fstack::cgroup_cpu_quota(root.path()), 1.5);
    EXPECT_EQ(fstack::available_cores(root.path()), std::min(2, cv::getNumberOfCPUs()));
    // Garbage counts as no quota.
    root.put("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "lots\n");
    EXPECT_DOUBLE_EQ(fstack::cgroup_cpu_quota(root.path()), 0.0);
}

// The affinity is what taskset and a Slurm task's cpuset set.
TEST(Threads, AffinityLimitsTheDefault) {
    const auto r = fstack::test::run_command("taskset -c 0 " + fstack::test::shell_quote(fstack::test::cli_path()) +
                                             " info 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "threads: 1 ")) << r.output;
}

}  // namespace
