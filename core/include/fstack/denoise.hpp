// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <opencv2/core.hpp>

namespace fstack {

// Non-local-means denoising of strength `h` (the seed's `denoise`; 0.75..1 is mild) on 8- and
// 16-bit grey, BGR or BGRA images (the seed's OpenCV call asserts on 16-bit: ours does not).
// h <= 0 returns the image unchanged.
cv::Mat denoise(const cv::Mat& image, double h);

}  // namespace fstack
