// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <opencv2/core.hpp>

#include "fstack/align_frames.hpp"

namespace fstack {

// Warps a float frame by `to_reference` (frame pixels -> reference pixels) and fills the area
// the frame does not cover by the seed's border modes.
cv::Mat warp_frame(const cv::Mat& frame, const cv::Matx33d& to_reference, const AlignmentConfig& config);

// Largest displacement (pixels) of `m` against the identity over the corners of `size`.
double max_displacement(const cv::Matx33d& m, cv::Size size);

}  // namespace fstack
