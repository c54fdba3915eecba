// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack info`: what this fstack sees of the machine it runs on (a cluster node, a container,
// a Slurm step): cores, the memory figures its checks use, and the CUDA devices.
#include <cstdio>
#include <string>
#include <thread>

#include <opencv2/core.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "fstack/device.hpp"
#include "fstack/kernels/device/device.hpp"
#include "fstack/threads.hpp"
#include "fstack/cgroup_memory.hpp"
#include "fstack/limits.hpp"
#include "memory_budget.hpp"

namespace fstack::cli {
namespace {

std::string memory_text(std::uint64_t bytes) {
    return bytes == 0 ? std::string("unknown") : format_memory_size(bytes) + " (" + std::to_string(bytes) + " bytes)";
}

int run_info() {
    std::printf("fstack %s (OpenCV %s)\n", FSTACK_VERSION, CV_VERSION);
    const double quota = cgroup_cpu_quota();
    std::printf("cores: %u on the machine, %d this process may use (CPU affinity%s)\n", std::thread::hardware_concurrency(),
                available_cores(), quota > 0 ? (", cgroup CPU quota " + std::to_string(quota)).c_str() : ", no cgroup CPU quota");
    std::printf("threads: %d (the default of --threads)\n", threads());
    const std::uint64_t limit = read_memory_status().cgroup_limit;  // the process's own cgroup and its ancestors
    std::printf("cgroup memory limit: %s\n", limit == 0 ? "none" : memory_text(limit).c_str());
    std::printf("memory available: %s\n", memory_text(available_memory()).c_str());
    std::printf("batch memory budget: %s\n", memory_text(default_memory_budget()).c_str());
    std::string why;
    const std::vector<kernels::GpuInfo> gpus = kernels::gpu_devices(&why);
    if (gpus.empty()) std::printf("CUDA devices: none (%s)\n", why.c_str());
    for (const kernels::GpuInfo& g : gpus)
        std::printf("CUDA device: %s\n", Device{Device::Kind::Cuda, g.index}.describe().c_str());
    std::printf("device: %s (the default of --device, auto)\n", device().describe().c_str());
    return kExitOk;
}

}  // namespace

Command add_info_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "info", "Print what fstack sees of this machine: cores, the cgroup's memory limit (a container, a\n"
                "Slurm step), the memory available to a stack, fstack batch's default --max-memory, and the\n"
                "CUDA devices --device can use (none, and why, where there is no GPU).");
    app->footer(
        "cgroup memory limit: the smallest limit on this process's cgroup and its ancestors (v1 or v2).\n"
        "memory available: what a stack is checked against before any work (frames too large for it\n"
        "are refused, exit 3). batch memory budget: half of the machine's or the cgroup's memory.\n\n" +
        exit_codes_help());
    return Command{app, [] { return run_info(); }};
}

}  // namespace fstack::cli
