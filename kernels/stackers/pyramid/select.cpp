// SPDX-License-Identifier: GPL-3.0-or-later
// The CPU loop of the pyramid's max-energy selection (its CUDA twin: select.cu).
#include "fstack/kernels/stackers/pyramid/select.hpp"

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
bool gpu_select_max_energy(const float*, const float*, int, int, int, float*, float*,
                           unsigned short*) {
    return false;
}
#endif

}  // namespace fstack::kernels
