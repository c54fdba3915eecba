// SPDX-License-Identifier: GPL-3.0-or-later
// --device: auto, cpu, cuda[:N], resolved against the CUDA devices that answer.
#include "fstack/device.hpp"

#include <cstdio>
#include <mutex>
#include <optional>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"
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
        return name() + " (" + g.name + ", " + format_memory_size(g.total_bytes) + ", compute " + std::to_string(g.major) + "." +
               std::to_string(g.minor) + ")";
    }
    return name();
}

namespace {

// The form of a spec alone: auto (nullopt), cpu, cuda = cuda:0, cuda:N.
std::optional<Device> parse_spec(const std::string& spec, const std::string& what) {
    if (spec == "auto") return std::nullopt;
    if (spec == "cpu") return Device{};
    if (spec == "cuda") return Device{Device::Kind::Cuda, 0};
    if (spec.rfind("cuda:", 0) == 0 && spec.size() > 5 && spec.size() <= 8 &&
        spec.find_first_not_of("0123456789", 5) == std::string::npos)
        return Device{Device::Kind::Cuda, std::stoi(spec.substr(5))};
    throw Error(ErrorKind::Usage, what + ": expected " + kDeviceValues);
}

std::string what_of(const std::string& spec, const std::string& what_option) {
    return what_option.empty() ? spec : what_option + " " + spec;
}

}  // namespace

void check_device_spec(const std::string& spec, const std::string& what_option) {
    parse_spec(spec, what_of(spec, what_option));
}

Device resolve_device(const std::string& spec, const std::string& what_option) {
    const std::string what = what_of(spec, what_option);
    const std::optional<Device> wanted = parse_spec(spec, what);
    if (wanted && !wanted->cuda()) return *wanted;
    std::string why;
    const std::vector<kernels::GpuInfo> gpus = kernels::gpu_devices(&why);
    if (!wanted) return gpus.empty() ? Device{} : Device{Device::Kind::Cuda, gpus.front().index};
    const int index = wanted->index;
    if (gpus.empty())
        throw Error(ErrorKind::Usage, what + ": no usable CUDA device: " + why + " (" +
                                          (what_option.rfind("--", 0) == 0 ? what_option + " " : "") +
                                          "cpu or auto runs on the CPU)");
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
