// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// CUDA device discovery: device.cu with the toolkit, device.cpp's answer without it.
#include <cstddef>
#include <string>
#include <vector>

namespace fstack::kernels {

struct GpuInfo {
    int index = 0;
    std::string name;        // "NVIDIA H200"
    size_t total_bytes = 0;  // device memory
    int major = 0, minor = 0;  // compute capability
};

// The CUDA devices that answer, probed once per process. Empty, with `why` set, where none
// does: a build without CUDA, no NVIDIA driver (or one older than the runtime), no device.
std::vector<GpuInfo> gpu_devices(std::string* why = nullptr);

// True when the library was built with CUDA and a device answers. `why` gets the reason when not.
bool gpu_available(std::string* why = nullptr);

// Free and total memory of device `index` now (creates its context). False, with why, on error.
bool gpu_memory(int index, size_t& free_bytes, size_t& total_bytes, std::string* why = nullptr);

}  // namespace fstack::kernels
