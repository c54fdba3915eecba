// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <opencv2/core.hpp>

#include "fstack/align_frames.hpp"

namespace fstack {

// Warps a float frame by `to_reference` (frame pixels -> reference pixels) and fills the area
// the frame does not cover by the seed's border modes.
cv::Mat warp_frame(const cv::Mat& frame, const cv::Matx33d& to_reference, const AlignmentConfig& config);

// The same warp without the border fill (edge pixels replicated): the same pixels wherever the
// frame covers the reference, for the analysis of the actions after AlignFrames (statistics
// over the area the frames share), never for output. A bilinear warp here would be a third
// faster but smooths by its sub-pixel offset, and moved BalanceFrames' gains by 0.05%.
cv::Mat warp_for_analysis(const cv::Mat& frame, const cv::Matx33d& to_reference);

// Largest displacement (pixels) of `m` against the identity over the corners of `size`.
double max_displacement(const cv::Matx33d& m, cv::Size size);

}  // namespace fstack
