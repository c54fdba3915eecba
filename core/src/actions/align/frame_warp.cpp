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
// frequencies, and a sigma of 50 at full size would cost more than the warp itself. The
// reduced, blurred copy; blurred_at() scales it back up where it is needed.
cv::Mat wide_blur_small(const cv::Mat& image, double sigma) {
    const double f = std::min(1.0, 4.0 / sigma);
    cv::Mat small, blurred;
    cv::resize(image, small, cv::Size(), f, f, cv::INTER_AREA);
    cv::GaussianBlur(small, blurred, cv::Size(), std::max(0.5, sigma * f), 0, cv::BORDER_REPLICATE);
    return blurred;
}

// The reduced blurred copy scaled up to `full` (bilinear, pixel centres on pixel centres, as
// cv::resize), for the pixels of `area` only.
cv::Mat blurred_at(const cv::Mat& small, cv::Size full, const cv::Rect& area) {
    const double fx = double(small.cols) / full.width, fy = double(small.rows) / full.height;
    const cv::Matx23d to_small(fx, 0, (area.x + 0.5) * fx - 0.5, 0, fy, (area.y + 0.5) * fy - 0.5);
    cv::Mat out;
    cv::warpAffine(small, out, to_small, area.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    return out;
}

// Where the warped frame has no source pixel (`covered` 0), the blurred frame. The uncovered
// pixels of a row lie at its two ends (a frame warped by an affine or a perspective map covers a
// convex area): in bands of rows, only the two end strips that hold them are scaled up and
// filled, a few percent of the frame instead of all of it. Where the strips miss an uncovered
// pixel (no convex area), the whole frame is filled. `uncovered`: how many pixels `covered`
// leaves out (warp_frame counted them already).
void fill_uncovered(cv::Mat& out, const cv::Mat& covered, int uncovered, double sigma) {
    const int w = out.cols, h = out.rows;
    const cv::Mat small = wide_blur_small(out, sigma);
    const auto fill = [&](const cv::Rect& r) {
        if (r.empty()) return 0;
        const cv::Mat hole = covered(r) == 0;
        const int n = cv::countNonZero(hole);
        if (n > 0) blurred_at(small, out.size(), r).copyTo(out(r), hole);
        return n;
    };
    constexpr int kBand = 16;
    int filled = 0;
    for (int y0 = 0; y0 < h; y0 += kBand) {
        const int y1 = std::min(h, y0 + kBand);
        int left = 0, right = w;  // columns [left, right) covered in every row of the band
        for (int y = y0; y < y1; ++y) {
            const uchar* c = covered.ptr<uchar>(y);
            int first = 0;
            while (first < w && !c[first]) ++first;
            int last = w;
            while (last > first && !c[last - 1]) --last;
            left = std::max(left, first);
            right = std::min(right, last);
        }
        right = std::max(right, left);
        filled += fill(cv::Rect(0, y0, left, y1 - y0));
        filled += fill(cv::Rect(right, y0, w - right, y1 - y0));
    }
    if (filled != uncovered) blurred_at(small, out.size(), cv::Rect(0, 0, w, h)).copyTo(out, covered == 0);
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

cv::Mat warp_for_analysis(const cv::Mat& frame, const cv::Matx33d& to_reference) {
    return warp(frame, to_reference, frame.size(), cv::INTER_CUBIC, cv::BORDER_REPLICATE, {});
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
    const int uncovered = static_cast<int>(covered.total()) - cv::countNonZero(covered);
    if (config.border_blur <= 0 || uncovered == 0) return out;
    fill_uncovered(out, covered, uncovered, config.border_blur);
    return out;
}

}  // namespace fstack
