// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The pyramid's per-coefficient maths, written once for the CPU loop and the CUDA kernel.
#include "fstack/kernels/hd.hpp"
#include "fstack/kernels/stackers/blend.hpp"

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

// The functors of the GPU executor (pyramid/fusion.hpp) over one level of w x h coefficients.
struct SelectLevel {
    const float* energy;
    const float* coeff;
    float* best_energy;
    float* fused;
    unsigned short* best_index;
    int width, channels, frame_index;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        select_max_energy(energy[i], coeff + i * channels, channels, frame_index, best_energy + i,
                          fused + i * channels, best_index + i);
    }
};

// Pass 2 of the consistency rule: the coefficient of the frame the cleaned choice map names.
struct TakeChosen {
    const float* coeff;
    const unsigned short* choice;
    float* fused;
    int width, channels, frame_index;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        if (choice[i] != frame_index) return;
        for (int c = 0; c < channels; ++c) fused[i * channels + c] = coeff[i * channels + c];
    }
};

// The seed's averaged base: AccumulateFrame (blend.hpp) of the base by its weight, then
// sum / weight_sum, 0 where no weight: cv::divide's rule, which the CPU path uses (the depth
// map's NormaliseFrame multiplies by the inverse instead, as its CPU path does).
struct DivideBase {
    const float* sum;
    const float* weight_sum;
    float* out;
    int width, channels;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        for (int c = 0; c < channels; ++c)
            out[i * channels + c] = weight_sum[i] != 0.0f ? sum[i * channels + c] / weight_sum[i] : 0.0f;
    }
};

// Number of levels of a pyramid whose coarsest level is at least min_size on its short side.
FSTACK_HD int pyramid_level_count(int width, int height, int min_size) {
    int levels = 1;
    int s = width < height ? width : height;
    const int floor = min_size > 2 ? min_size : 2;
    while (s / 2 >= floor) {
        s = (s + 1) / 2;
        ++levels;
    }
    return levels;
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
