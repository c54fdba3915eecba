// SPDX-License-Identifier: GPL-3.0-or-later
// CUDA device discovery.
#include <cuda_runtime.h>

#include "fstack/kernels/device/device.hpp"

namespace fstack::kernels {

bool gpu_available(std::string* why) {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        if (why) *why = err != cudaSuccess ? cudaGetErrorString(err) : "no CUDA device found";
        return false;
    }
    return true;
}

}  // namespace fstack::kernels
