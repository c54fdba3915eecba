// SPDX-License-Identifier: GPL-3.0-or-later
// CUDA device discovery: cudaGetDeviceCount once per process, its error in words.
#include <cuda_runtime.h>

#include <mutex>

#include "fstack/kernels/device/device.hpp"

namespace fstack::kernels {
namespace {

std::string reason(cudaError_t err) {
    switch (err) {
    case cudaErrorNoDevice:
        return "no CUDA device found (cudaErrorNoDevice)";
    case cudaErrorInsufficientDriver:
        return "no usable NVIDIA driver: none is installed, or it is older than the CUDA " +
               std::to_string(CUDART_VERSION / 1000) + " runtime fstack was built with (cudaErrorInsufficientDriver)";
    default:
        return std::string(cudaGetErrorString(err)) + " (" + cudaGetErrorName(err) + ")";
    }
}

struct Probe {
    std::vector<GpuInfo> devices;
    std::string why;
};

const Probe& probe() {
    static Probe p;
    static std::once_flag once;
    std::call_once(once, [] {
        int count = 0;
        const cudaError_t err = cudaGetDeviceCount(&count);
        if (err != cudaSuccess) {
            p.why = reason(err);
            return;
        }
        for (int i = 0; i < count; ++i) {
            cudaDeviceProp prop{};
            if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
            GpuInfo g;
            g.index = i;
            g.name = prop.name;
            g.total_bytes = prop.totalGlobalMem;
            g.major = prop.major;
            g.minor = prop.minor;
            p.devices.push_back(g);
        }
        if (p.devices.empty()) p.why = "no CUDA device found";
    });
    return p;
}

}  // namespace

std::vector<GpuInfo> gpu_devices(std::string* why) {
    const Probe& p = probe();
    if (why) *why = p.why;
    return p.devices;
}

bool gpu_memory(int index, size_t& free_bytes, size_t& total_bytes, std::string* why) {
    cudaError_t err = cudaSetDevice(index);
    if (err == cudaSuccess) err = cudaMemGetInfo(&free_bytes, &total_bytes);
    if (err != cudaSuccess && why) *why = reason(err);
    return err == cudaSuccess;
}

}  // namespace fstack::kernels
