// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Per-pixel weighted blending and the depth value, shared by the stackers on CPU and GPU.
#include "fstack/kernels/hd.hpp"

namespace fstack::kernels {

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

// The GPU executor's functor over a plane: sum += (weight + floor) * frame, weight_sum +=
// weight + floor (the pyramid's averaged base, the depth map's blends).
struct AccumulateFrame {
    const float* frame;
    const float* weight;
    float* sum;
    float* weight_sum;
    int width, channels;
    float floor;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        accumulate_weighted(weight[i] + floor, frame + i * channels, channels, sum + i * channels, weight_sum + i);
    }
};

}  // namespace fstack::kernels
