// SPDX-License-Identifier: GPL-3.0-or-later
// --device: auto, cpu, cuda[:N], resolved against the CUDA devices that answer.
#include "fstack/device.hpp"

#include <cstdio>
#include <mutex>
#include <optional>

#include "fstack/error.hpp"
#include "fstack/kernels/device/device.hpp"

namespace fstack {
namespace {

std::mutex mutex;
std::optional<Device> chosen;

}  // namespace

std::string Device::name() const { return cuda() ? "cuda:" + std::to_string(index) : "cpu"; }

std::string Device::describe() const {
    if (!cuda()) return "cpu";
    for (const kernels::GpuInfo& g : kernels::gpu_devices()) {
        if (g.index != index) continue;
        char memory[32];
        std::snprintf(memory, sizeof memory, "%.1f GiB", double(g.total_bytes) / (1024.0 * 1024.0 * 1024.0));
        return name() + " (" + g.name + ", " + memory + ", compute " + std::to_string(g.major) + "." +
               std::to_string(g.minor) + ")";
    }
    return name();
}

Device resolve_device(const std::string& spec, const std::string& what_option) {
    if (spec == "cpu") return {};
    const std::string what = what_option.empty() ? spec : what_option + " " + spec;
    std::string why;
    const std::vector<kernels::GpuInfo> gpus = kernels::gpu_devices(&why);
    if (spec == "auto") return gpus.empty() ? Device{} : Device{Device::Kind::Cuda, gpus.front().index};
    int index = -1;
    if (spec == "cuda") {
        index = 0;
    } else if (spec.rfind("cuda:", 0) == 0 && spec.size() > 5 && spec.size() <= 8 &&
               spec.find_first_not_of("0123456789", 5) == std::string::npos) {
        index = std::stoi(spec.substr(5));
    } else {
        throw Error(ErrorKind::Usage, what + ": expected " + kDeviceValues);
    }
    if (gpus.empty())
        throw Error(ErrorKind::Usage, what + ": no usable CUDA device: " + why +
                                          " (--device cpu or auto runs on the CPU)");
    for (const kernels::GpuInfo& g : gpus)
        if (g.index == index) return Device{Device::Kind::Cuda, index};
    throw Error(ErrorKind::Usage, what + ": there is no CUDA device " + std::to_string(index) + " (" +
                                      std::to_string(gpus.size()) + " answer: cuda:0.." +
                                      std::to_string(gpus.size() - 1) + ")");
}

void set_device(const Device& device) {
    const std::lock_guard<std::mutex> lock(mutex);
    chosen = device;
}

Device device() {
    const std::lock_guard<std::mutex> lock(mutex);
    if (!chosen) chosen = resolve_device("auto");
    return *chosen;
}

}  // namespace fstack
