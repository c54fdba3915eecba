// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The pyramid's per-coefficient maths, written once for the CPU loop and the CUDA kernel.
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

// For each of n pixels: select_max_energy(energy[i], coeff + i*channels, ...).
// best_index may be null. The CPU version (select.cpp) is always available.
void cpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index);
// The same on the GPU (select.cu; host pointers in and out). Returns false, changing nothing,
// when there is no GPU.
bool gpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index);

}  // namespace fstack::kernels
