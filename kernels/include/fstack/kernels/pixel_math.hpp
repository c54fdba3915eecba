// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Per-pixel maths of the stackers, written once for the CPU path and the CUDA kernels.
#include "fstack/kernels/hd.hpp"

namespace fstack::kernels {

// The 5-tap generating kernel of Burt & Adelson with parameter a (the seed's gen_kernel):
// [1/4 - a/2, 1/4, a, 1/4, 1/4 - a/2]; a = 0.4 is close to a Gaussian.
FSTACK_HD void generating_kernel(float a, float w[5]) {
    w[0] = w[4] = 0.25f - a * 0.5f;
    w[1] = w[3] = 0.25f;
    w[2] = a;
}

// Max-energy selection of one Laplacian coefficient (c channels): where the frame's decision
// energy beats the best so far, take its coefficients and remember its index.
FSTACK_HD void select_max_energy(float energy, const float* coeff, int channels, int frame_index,
                                 float* best_energy, float* fused, unsigned short* best_index) {
    if (energy > *best_energy) {
        *best_energy = energy;
        for (int c = 0; c < channels; ++c) fused[c] = coeff[c];
        if (best_index) *best_index = static_cast<unsigned short>(frame_index);
    }
}

// Weighted accumulation used by the base level and the depth-map blends.
FSTACK_HD void accumulate_weighted(float weight, const float* value, int channels, float* sum,
                                   float* weight_sum) {
    for (int c = 0; c < channels; ++c) sum[c] += weight * value[c];
    *weight_sum += weight;
}

// sum / weight_sum with a guard for pixels that received no weight.
FSTACK_HD void normalise_weighted(const float* sum, float weight_sum, int channels, float* out) {
    const float inv = weight_sum > 1e-12f ? 1.0f / weight_sum : 0.0f;
    for (int c = 0; c < channels; ++c) out[c] = sum[c] * inv;
}

// Depth-map value of frame `index` among `count`, 0 (near) .. max_value (far).
FSTACK_HD float depth_value(int index, int count, float max_value) {
    return count > 1 ? max_value * static_cast<float>(index) / static_cast<float>(count - 1) : 0.0f;
}

}  // namespace fstack::kernels
