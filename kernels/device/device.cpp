// SPDX-License-Identifier: GPL-3.0-or-later
// Device discovery in a build without the CUDA toolkit (device.cu replaces it with one).
#include "fstack/kernels/device/device.hpp"

namespace fstack::kernels {

#if !defined(FSTACK_HAVE_CUDA)
bool gpu_available(std::string* why) {
    if (why) *why = "fstack was built without CUDA (no toolkit found at build time)";
    return false;
}
#endif

}  // namespace fstack::kernels
