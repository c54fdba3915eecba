// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Gaussian/Laplacian pyramids with the Burt-Adelson generating kernel of parameter a.
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

class PyramidKernel {
public:
    explicit PyramidKernel(double a);
    cv::Mat reduce(const cv::Mat& image) const;                   // blur, then keep every other pixel
    cv::Mat expand(const cv::Mat& image, cv::Size size) const;    // zero-insert, then 4 x blur
    // Levels 0..n-2 are band-pass (Laplacian), level n-1 is the low-pass residual.
    // `between_levels` runs after each band (the stacker's cancellation check).
    std::vector<cv::Mat> laplacian(const cv::Mat& image, int levels,
                                   const std::function<void()>& between_levels = {}) const;
    cv::Mat collapse(const std::vector<cv::Mat>& pyramid) const;

private:
    cv::Mat kernel_;  // 1x5 CV_32F
    bool opencv_kernel_;
};

// Number of levels so that the coarsest is at least `min_size` on its short side.
int pyramid_levels(cv::Size size, int min_size);

}  // namespace fstack
