// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Whole-plane operations with a CPU twin and, where built with CUDA and a device is present, a
// GPU executor. Both call the same FSTACK_HD per-pixel functions of pixel_math.hpp.
#include <string>

namespace fstack::kernels {

// True when the library was built with CUDA and a device answers. `why` gets the reason when not.
bool gpu_available(std::string* why = nullptr);

// For each of n pixels: select_max_energy(energy[i], coeff + i*channels, ...).
// best_index may be null. The CPU version is always available.
void cpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index);
// The same on the GPU (host pointers in and out). Returns false, changing nothing, when no GPU.
bool gpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index);

}  // namespace fstack::kernels
