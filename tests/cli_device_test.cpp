// SPDX-License-Identifier: GPL-3.0-or-later
// --device on the command line and [job] device in job files: cuda without a usable device is a
// usage error (exit 2) that says why; auto runs where it can and prints nothing extra; cpu and
// auto give the same file where no GPU answers; with a GPU, cuda's result is within one level.
#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "fstack/kernels/device/device.hpp"
#include "test_util.hpp"

namespace fstack {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::fstack_cli;

std::vector<std::string> write_stack(const fs::path& dir) {
    synth::SceneOptions o;
    o.width = 160;
    o.height = 120;
    o.frames = 4;
    const auto& stack = test::cached_stack(o);
    fs::create_directories(dir);
    std::vector<std::string> paths;
    for (size_t i = 0; i < stack.frames.size(); ++i) {
        const fs::path p = dir / ("frame_" + std::to_string(i + 1) + ".png");
        EXPECT_TRUE(cv::imwrite(p.string(), stack.frames[i]));
        paths.push_back(p.string());
    }
    return paths;
}

std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& frames) {
    a.insert(a.end(), frames.begin(), frames.end());
    return a;
}

TEST(CliDevice, CudaWithoutADeviceIsAUsageErrorThatSaysWhy) {
    std::string why;
    if (kernels::gpu_available(&why)) GTEST_SKIP() << "a CUDA device answers: this checks the machines without one";
    test::TempDir dir;
    const auto frames = write_stack(dir / "in");
    for (const std::string device : {"cuda", "cuda:0", "cuda:3"}) {
        const auto r = fstack_cli(args({"stack", "-q", "--device", device, "-o", (dir / "out.png").string()}, frames));
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(contains(r.output, "--device " + device + ": no usable CUDA device")) << r.output;
        EXPECT_TRUE(contains(r.output, why)) << r.output;
        EXPECT_FALSE(fs::exists(dir / "out.png"));
    }
    const auto b = fstack_cli({"batch", "-q", "--device", "cuda", "--stack-size", "4", (dir / "in").string(), "-o", (dir / "b").string()});
    EXPECT_EQ(b.exit_code, 2) << b.output;
    EXPECT_TRUE(contains(b.output, "no usable CUDA device")) << b.output;
}

TEST(CliDevice, AnUnknownDeviceNamesTheChoices) {
    test::TempDir dir;
    const auto frames = write_stack(dir / "in");
    const auto r = fstack_cli(args({"stack", "--device", "gpu0", "-o", (dir / "out.png").string()}, frames));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "--device gpu0: expected auto, cpu, cuda or cuda:N")) << r.output;
}

TEST(CliDevice, AutoAndCpuGiveTheSameFileWithoutAGpu) {
    if (kernels::gpu_available()) GTEST_SKIP() << "a CUDA device answers: auto runs there (see GpuOnly)";
    test::TempDir dir;
    const auto frames = write_stack(dir / "in");
    const auto a = fstack_cli(args({"stack", "--device", "auto", "-o", (dir / "auto.png").string()}, frames));
    const auto c = fstack_cli(args({"stack", "--device", "cpu", "-o", (dir / "cpu.png").string()}, frames));
    const auto d = fstack_cli(args({"stack", "-o", (dir / "default.png").string()}, frames));
    ASSERT_EQ(a.exit_code, 0) << a.output;
    ASSERT_EQ(c.exit_code, 0) << c.output;
    ASSERT_EQ(d.exit_code, 0) << d.output;
    EXPECT_EQ(test::file_bytes(dir / "auto.png"), test::file_bytes(dir / "cpu.png"));
    EXPECT_EQ(test::file_bytes(dir / "default.png"), test::file_bytes(dir / "cpu.png"));
    EXPECT_FALSE(contains(a.output, "cuda")) << a.output;  // nothing extra
    EXPECT_FALSE(contains(a.output, "GPU")) << a.output;
}

TEST(CliDevice, JobFileDeviceKey) {
    test::TempDir dir;
    write_stack(dir / "in");
    auto job = [&](const std::string& device) {
        const fs::path p = dir / ("job_" + std::to_string(std::hash<std::string>{}(device)) + ".toml");
        std::ofstream(p) << "[job]\nname = \"j\"\ninput_path = \"in\"\ndevice = \"" << device
                         << "\"\n\n[[action]]\ntype = \"FocusStack\"\nname = \"out_" << device.size()
                         << "\"\nstacker = { type = \"PyramidStack\" }\n";
        return p.string();
    };
    const auto bad = fstack_cli({"run", "--check", job("tpu")});
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_TRUE(contains(bad.output, "device")) << bad.output;
    EXPECT_TRUE(contains(bad.output, "expected auto, cpu, cuda or cuda:N")) << bad.output;
    const auto cpu = fstack_cli({"run", "-q", job("cpu")});
    EXPECT_EQ(cpu.exit_code, 0) << cpu.output;
    EXPECT_TRUE(fs::exists(dir / "out_3" / "frame_1.png"));
    if (!kernels::gpu_available()) {
        // The key's form is checked with the file; the GPU when the job runs, which may be on
        // another machine (a cluster node), and `run --device` replaces the key before that.
        const std::string cuda_job = job("cuda");
        const auto check = fstack_cli({"run", "--check", cuda_job});
        EXPECT_EQ(check.exit_code, 0) << check.output;
        const auto cuda = fstack_cli({"run", "-q", cuda_job});
        EXPECT_EQ(cuda.exit_code, 2) << cuda.output;
        EXPECT_TRUE(contains(cuda.output, cuda_job)) << cuda.output;
        EXPECT_TRUE(contains(cuda.output, "key 'job.device': cuda: no usable CUDA device")) << cuda.output;
        EXPECT_FALSE(fs::exists(dir / "out_4")) << "nothing is written before the device is known";
        const auto on_cpu = fstack_cli({"run", "-q", "--device", "cpu", cuda_job});
        EXPECT_EQ(on_cpu.exit_code, 0) << on_cpu.output;
        EXPECT_TRUE(fs::exists(dir / "out_4" / "frame_1.png"));
        const auto flag = fstack_cli({"run", "-q", "--device", "cuda", job("auto")});
        EXPECT_EQ(flag.exit_code, 2) << flag.output;
        EXPECT_TRUE(contains(flag.output, "--device cuda: no usable CUDA device")) << flag.output;
    }
}

TEST(CliDevice, GpuOnlyCudaMatchesTheCpu) {
    std::string why;
    if (!kernels::gpu_available(&why)) GTEST_SKIP() << "no usable CUDA device: " << why;
    test::TempDir dir;
    const auto frames = write_stack(dir / "in");
    // The stackers with a GPU path, with and without the default alignment.
    for (const std::string stacker : {"pyramid", "depthmap", "focusmeasure"})
        for (const std::string align : {"auto", "none"}) {
            SCOPED_TRACE(stacker + " --align " + align);
            const std::string gpu = (dir / (stacker + align + "_gpu.png")).string();
            const std::string cpu = (dir / (stacker + align + "_cpu.png")).string();
            const auto g = fstack_cli(args({"stack", "-v", "--stacker", stacker, "--align", align, "--device", "cuda", "-o", gpu}, frames));
            const auto c = fstack_cli(args({"stack", "--stacker", stacker, "--align", align, "--device", "cpu", "-o", cpu}, frames));
            ASSERT_EQ(g.exit_code, 0) << g.output;
            ASSERT_EQ(c.exit_code, 0) << c.output;
            EXPECT_TRUE(contains(g.output, stacker + " on cuda:0: ")) << g.output;
            EXPECT_TRUE(contains(g.output, "MiB of device memory")) << g.output;
            const cv::Mat a = cv::imread(gpu, cv::IMREAD_UNCHANGED);
            const cv::Mat b = cv::imread(cpu, cv::IMREAD_UNCHANGED);
            ASSERT_EQ(a.size(), b.size());
            double worst = 0;
            cv::minMaxLoc(cv::abs(cv::Mat_<double>(a.reshape(1)) - cv::Mat_<double>(b.reshape(1))), nullptr, &worst);
            EXPECT_LE(worst, 1.0);
        }
}

}  // namespace
}  // namespace fstack
