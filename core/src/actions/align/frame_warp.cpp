// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/align/frame_warp.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace fstack {

namespace {

bool is_affine(const cv::Matx33d& m) {
    return std::abs(m(2, 0)) < 1e-12 && std::abs(m(2, 1)) < 1e-12 && std::abs(m(2, 2) - 1) < 1e-12;
}

cv::Mat warp(const cv::Mat& src, const cv::Matx33d& m, cv::Size size, int interpolation, int border,
             const cv::Scalar& value) {
    cv::Mat out;
    if (is_affine(m))
        cv::warpAffine(src, out, cv::Mat(m).rowRange(0, 2), size, interpolation, border, value);
    else
        cv::warpPerspective(src, out, cv::Mat(m), size, interpolation, border, value);
    return out;
}

// A wide Gaussian blur computed at a reduced scale: the border fill only needs its low
// frequencies, and a sigma of 50 at full size would cost more than the warp itself.
cv::Mat wide_blur(const cv::Mat& image, double sigma) {
    if (sigma <= 0) return image;
    const double f = std::min(1.0, 4.0 / sigma);
    cv::Mat small, blurred, out;
    cv::resize(image, small, cv::Size(), f, f, cv::INTER_AREA);
    cv::GaussianBlur(small, blurred, cv::Size(), std::max(0.5, sigma * f), 0, cv::BORDER_REPLICATE);
    cv::resize(blurred, out, image.size(), 0, 0, cv::INTER_LINEAR);
    return out;
}

}  // namespace

double max_displacement(const cv::Matx33d& m, cv::Size size) {
    double worst = 0;
    const double w = size.width - 1.0, h = size.height - 1.0;
    for (const cv::Vec3d& p : {cv::Vec3d(0, 0, 1), cv::Vec3d(w, 0, 1), cv::Vec3d(0, h, 1), cv::Vec3d(w, h, 1)}) {
        const cv::Vec3d q = m * p;
        worst = std::max(worst, std::hypot(q[0] / q[2] - p[0], q[1] / q[2] - p[1]));
    }
    return worst;
}

cv::Mat warp_frame(const cv::Mat& frame, const cv::Matx33d& to_reference, const AlignmentConfig& config) {
    // Cubic: within 0.12 dB of Lanczos on the synthetic misaligned preset warped by its true
    // transforms (38.53 against 38.65 dB; bilinear 36.78 dB), at a third of its time.
    const int interp = cv::INTER_CUBIC;
    switch (config.border_mode) {
        case BorderMode::Constant:
            return warp(frame, to_reference, frame.size(), interp, cv::BORDER_CONSTANT, config.border_value);
        case BorderMode::Replicate:
            return warp(frame, to_reference, frame.size(), interp, cv::BORDER_REPLICATE, {});
        case BorderMode::ReplicateBlur: break;
    }
    cv::Mat out = warp(frame, to_reference, frame.size(), interp, cv::BORDER_REPLICATE, {});
    const cv::Mat ones(frame.size(), CV_8U, cv::Scalar(255));
    const cv::Mat covered = warp(ones, to_reference, frame.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, {0});
    if (cv::countNonZero(covered) == static_cast<int>(covered.total())) return out;
    const cv::Mat blurred = wide_blur(out, config.border_blur);
    blurred.copyTo(out, covered == 0);
    return out;
}

}  // namespace fstack
