// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// DepthMapStack's per-pixel rules for the GPU executor (depthmap/fusion.hpp): the argmax of the
// focus energy, the weighted sums (blend.hpp) and the one-hot weights.
#include <cmath>

#include "fstack/kernels/hd.hpp"
#include "fstack/kernels/stackers/blend.hpp"

namespace fstack::kernels {

// MAP_MAX smooths its one-hot weights with a Gaussian of sigma smooth_size / 4; past this sigma,
// with three boxes of weight_box_size() (the same variance, constant time per pixel whatever
// the size: smooth_size goes to 4096), never longer than a frame whose long side is `longest`.
constexpr double kWeightBoxFromSigma = 16;
inline int weight_box_size(double sigma, int longest) {
    const int n = int(std::lround(std::sqrt(4 * sigma * sigma + 1))) | 1;
    const int cap = (2 * longest - 1) | 1;
    return n < cap ? n : cap;
}

// Where this frame's energy beats the best so far: remember it and the frame's index.
struct SelectEnergy {
    const float* energy;
    float* best;
    unsigned short* index;
    int width, frame_index;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        if (energy[i] > best[i]) {
            best[i] = energy[i];
            index[i] = static_cast<unsigned short>(frame_index);
        }
    }
};

// 1 where the depth map names this frame, else 0.
struct OneHot {
    const unsigned short* index;
    float* weight;
    int width, frame_index;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        weight[i] = index[i] == frame_index ? 1.0f : 0.0f;
    }
};

struct NormaliseFrame {
    const float* sum;
    const float* weight_sum;
    float* out;
    int width, channels;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        normalise_weighted(sum + i * channels, weight_sum[i], channels, out + i * channels);
    }
};

}  // namespace fstack::kernels
