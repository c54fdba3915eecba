// SPDX-License-Identifier: GPL-3.0-or-later
// Device discovery in a build without the CUDA toolkit (device.cu replaces it with one).
#include "fstack/kernels/device/device.hpp"

namespace fstack::kernels {

bool gpu_available(std::string* why) { return !gpu_devices(why).empty(); }

#if !defined(FSTACK_HAVE_CUDA)
std::vector<GpuInfo> gpu_devices(std::string* why) {
    if (why) *why = "fstack was built without CUDA (no toolkit found at build time)";
    return {};
}
bool gpu_memory(int, size_t&, size_t&, std::string* why) {
    if (why) *why = "fstack was built without CUDA";
    return false;
}
#endif

}  // namespace fstack::kernels
