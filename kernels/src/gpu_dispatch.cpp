// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/kernels/gpu.hpp"

#include "fstack/kernels/pixel_math.hpp"

namespace fstack::kernels {

void cpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index) {
    for (int i = 0; i < n; ++i)
        select_max_energy(energy[i], coeff + static_cast<long>(i) * channels, channels, frame_index,
                          best_energy + i, fused + static_cast<long>(i) * channels,
                          best_index ? best_index + i : nullptr);
}

#if !defined(FSTACK_HAVE_CUDA)
bool gpu_available(std::string* why) {
    if (why) *why = "fstack was built without CUDA (no toolkit found at build time)";
    return false;
}
bool gpu_select_max_energy(const float*, const float*, int, int, int, float*, float*,
                           unsigned short*) {
    return false;
}
#endif

}  // namespace fstack::kernels
