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

// A cubic warp (Keys, A = -0.75, OpenCV's INTER_CUBIC; edges replicated) by the affine map `m`
// (frame -> reference) in two 1D passes, as warp_frame and warp_for_analysis use it: 2.7x
// faster than cv::warpAffine on 8-bit RGB, 3x on 16-bit (bench/README.md), with exact
// positions where OpenCV rounds them to 1/32 pixel. 8-bit, 16-bit and float, 1 to 4 channels,
// maps of an alignment (rotation within 20 degrees, scale 0.5 to 2); false, nothing written,
// for any other. `covered`, if given: 255 where the nearest source pixel is inside the frame,
// else 0; `uncovered` counts the 0s. On x86-64 processors with AVX2 and FMA, a build of the loops
// for them (2x faster on RGB); `portable`: the SSE2 build on any processor (the tests compare
// the two: they differ by at most a level, fused multiply-adds rounding differently).
bool warp_affine_cubic(const cv::Mat& frame, const cv::Matx33d& m, cv::Mat& out, cv::Mat* covered, int& uncovered,
                       bool portable = false);

// Largest displacement (pixels) of `m` against the identity over the corners of `size`.
double max_displacement(const cv::Matx33d& m, cv::Size size);

}  // namespace fstack
