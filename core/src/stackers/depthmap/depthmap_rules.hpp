// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What DepthMapStack's CPU path and its GPU twin (depthmap_stack_engine.cpp) share on the host.
#include <opencv2/core.hpp>

namespace fstack {

// MAP_MAX between its passes: the argmax map (CV_16U) median-cleaned with a window of
// smooth_size / 2 (unchanged for smooth_size <= 1).
cv::Mat clean_depth_map(const cv::Mat& depth_map, int smooth_size, int frame_count);

// The energy blur's window for blur_size (odd, at least 1): the CPU path's and the GPU's.
inline int blur_window(int blur_size) { return blur_size > 0 ? (blur_size | 1) : 1; }

// The sigma of MAP_MAX's weight smoothing (none at or below 1 px of smooth_size).
inline double weight_sigma(int smooth_size) { return smooth_size > 1 ? smooth_size / 4.0 : 0.0; }

}  // namespace fstack
