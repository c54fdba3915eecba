// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <opencv2/core.hpp>

namespace fstack {

// The reduced copy the analysing pass works on: `frame` (8- or 16-bit, sRGB code values, 1 to 4
// channels; the second or fourth is alpha) averaged over blocks of factor x factor pixels in
// linear light, as the action float (CV_32F code values). Defocus keeps the linear means of an
// area, so the copies of a sharp and a blurred frame keep the same brightness, which averaging the
// code values would not (it darkens fine texture). The copy is floor(cols / factor) x
// floor(rows / factor): its pixel x is the mean of the frame's pixels factor x .. factor x +
// factor - 1, the pixel-centre mapping of a scale of exactly 1 / factor; the last partial block
// of a row or column is left out.
cv::Mat reduce_linear(const cv::Mat& frame, int factor);

// The factor that brings the longer side of `size` to at most `longest` (1: no reduction).
int reduction_factor(cv::Size size, int longest);

}  // namespace fstack
