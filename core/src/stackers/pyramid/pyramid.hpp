// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Gaussian/Laplacian pyramids with the Burt-Adelson generating kernel of parameter a.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

class PyramidKernel {
public:
    explicit PyramidKernel(double a);
    cv::Mat reduce(const cv::Mat& image) const;  // blur, then keep every other pixel
    // other + sign * expand(small), where expand zero-inserts `small` to other's size, then
    // blurs times 4: the band (sign -1, `other` the finer Gaussian level) or the collapse (+1).
    cv::Mat expand_add(const cv::Mat& small, const cv::Mat& other, float sign) const;
    // Levels 0..n-1 of the Gaussian pyramid, level 0 the image itself.
    std::vector<cv::Mat> gaussian(const cv::Mat& image, int levels,
                                  const std::function<void()>& between_levels = {}) const;
    // The Laplacian band fine - expand(coarse) (fine a Gaussian level, coarse the next) at the
    // given pixels (y * width + x) only, into dst (fine's size and type): the same bits as
    // expand_add(coarse, fine, -1) there.
    void band_at(const cv::Mat& fine, const cv::Mat& coarse, const std::uint32_t* pixels, size_t count,
                 cv::Mat& dst) const;
    // (The operations take level 0 as 8-bit, 16-bit or float data: integer samples are read on
    // the 0..1 scale, as to_float gives them. Every level they make is float.)
    // Levels 0..n-2 are band-pass (Laplacian), level n-1 is the low-pass residual.
    // `between_levels` runs after each band (the stacker's cancellation check).
    std::vector<cv::Mat> laplacian(const cv::Mat& image, int levels,
                                   const std::function<void()>& between_levels = {}) const;
    cv::Mat collapse(const std::vector<cv::Mat>& pyramid) const;

private:
    float w_[5];  // the generating kernel
};

// Number of levels so that the coarsest is at least `min_size` on its short side.
int pyramid_levels(cv::Size size, int min_size);

}  // namespace fstack
