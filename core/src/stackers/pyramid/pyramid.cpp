// SPDX-License-Identifier: GPL-3.0-or-later
// Gaussian and Laplacian pyramids with the Burt-Adelson generating kernel.
#include "stackers/pyramid/pyramid.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "fstack/kernels/stackers/pyramid/select.hpp"

namespace fstack {

PyramidKernel::PyramidKernel(double a) : kernel_(1, 5, CV_32F) {
    kernels::generating_kernel(static_cast<float>(a), kernel_.ptr<float>());
    // OpenCV's pyrDown/pyrUp use exactly a = 3/8 and are much faster.
    opencv_kernel_ = std::abs(a - 0.375) < 1e-9;
}

cv::Mat PyramidKernel::reduce(const cv::Mat& image) const {
    cv::Mat out;
    const cv::Size half((image.cols + 1) / 2, (image.rows + 1) / 2);
    if (opencv_kernel_) {
        cv::pyrDown(image, out, half, cv::BORDER_REFLECT101);
        return out;
    }
    cv::Mat blurred;
    cv::sepFilter2D(image, blurred, CV_32F, kernel_, kernel_, cv::Point(-1, -1), 0, cv::BORDER_REFLECT101);
    // Every other sample, from the first: what expand() inserts back at (2x, 2y). (A nearest
    // resize took columns 0, 1, 3 of a 5-pixel line: odd sizes were decimated unevenly.)
    out.create(half, image.type());
    const int cn = image.channels();
    cv::parallel_for_(cv::Range(0, half.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* s = blurred.ptr<float>(2 * y);
            float* d = out.ptr<float>(y);
            for (int x = 0; x < half.width; ++x)
                for (int c = 0; c < cn; ++c) d[x * cn + c] = s[2 * x * cn + c];
        }
    });
    return out;
}

cv::Mat PyramidKernel::expand(const cv::Mat& image, cv::Size size) const {
    cv::Mat out;
    if (opencv_kernel_) {
        cv::pyrUp(image, out, size, cv::BORDER_REFLECT101);
        return out;
    }
    cv::Mat up = cv::Mat::zeros(size, image.type());
    const int cn = image.channels();
    for (int y = 0; y < image.rows && 2 * y < size.height; ++y) {
        const float* s = image.ptr<float>(y);
        float* d = up.ptr<float>(2 * y);
        for (int x = 0; x < image.cols && 2 * x < size.width; ++x)
            for (int c = 0; c < cn; ++c) d[2 * x * cn + c] = 4.0f * s[x * cn + c];
    }
    cv::sepFilter2D(up, out, CV_32F, kernel_, kernel_, cv::Point(-1, -1), 0, cv::BORDER_REFLECT101);
    return out;
}

std::vector<cv::Mat> PyramidKernel::laplacian(const cv::Mat& image, int levels,
                                              const std::function<void()>& between_levels) const {
    std::vector<cv::Mat> pyr;
    pyr.reserve(levels);
    cv::Mat current = image;
    for (int l = 0; l + 1 < levels; ++l) {
        cv::Mat down = reduce(current);
        cv::Mat band;
        cv::subtract(current, expand(down, current.size()), band);
        pyr.push_back(band);
        current = down;
        if (between_levels) between_levels();
    }
    pyr.push_back(current);
    return pyr;
}

cv::Mat PyramidKernel::collapse(const std::vector<cv::Mat>& pyramid) const {
    cv::Mat image = pyramid.back().clone();
    for (int l = static_cast<int>(pyramid.size()) - 2; l >= 0; --l) {
        cv::Mat up = expand(image, pyramid[l].size());
        cv::add(up, pyramid[l], image);
    }
    return image;
}

int pyramid_levels(cv::Size size, int min_size) {
    return kernels::pyramid_level_count(size.width, size.height, min_size);  // the GPU path's count too
}

}  // namespace fstack
