// SPDX-License-Identifier: GPL-3.0-or-later
// The CPU loop of the pyramid's max-energy selection (its CUDA twin: select.cu).
#include "fstack/kernels/stackers/pyramid/select.hpp"

#include "fstack/kernels/image/channels.hpp"

namespace fstack::kernels {

namespace {

// select_max_energy's rule without a branch per coefficient: where the frame wins is as good as
// random in flat areas, and the mispredicted branches cost more than writing every coefficient.
template <int CN>
void select_without_branches(const float* energy, const float* coeff, int n, int channels, int frame_index,
                             float* best_energy, float* fused, unsigned short* best_index) {
    const int cn = CN ? CN : channels;
    const unsigned short index = static_cast<unsigned short>(frame_index);
    for (int i = 0; i < n; ++i) {
        const bool take = energy[i] > best_energy[i];
        best_energy[i] = take ? energy[i] : best_energy[i];
        for (int c = 0; c < cn; ++c) {
            const long k = static_cast<long>(i) * cn + c;
            fused[k] = take ? coeff[k] : fused[k];
        }
        if (best_index) best_index[i] = take ? index : best_index[i];
    }
}

}  // namespace

void cpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index) {
    with_channels(channels, [&](auto cn) {
        select_without_branches<cn()>(energy, coeff, n, channels, frame_index, best_energy, fused, best_index);
    });
}

#if !defined(FSTACK_HAVE_CUDA)
bool gpu_select_max_energy(const float*, const float*, int, int, int, float*, float*,
                           unsigned short*) {
    return false;
}
#endif

}  // namespace fstack::kernels
