// SPDX-License-Identifier: GPL-3.0-or-later
// Reference answers (ideal depth map, oracle stack, occlusion band) and image comparison.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "synthetic.hpp"

namespace fstack::synth {
namespace {

constexpr int kStrip = 128;  // rows per strip: metrics on 12 MP run in small, reused buffers

double full_scale(const cv::Mat& m) {
    CV_Assert(m.depth() == CV_8U || m.depth() == CV_16U || m.depth() == CV_32F);
    return m.depth() == CV_8U ? 255.0 : m.depth() == CV_16U ? 65535.0 : 1.0;
}

// Rows of `image` as float in [0, 1], as luma when `grey`.
cv::Mat to_float(const cv::Mat& image, bool grey) {
    cv::Mat f;
    image.convertTo(f, CV_32F, 1 / full_scale(image));
    if (grey && f.channels() == 4) cv::cvtColor(f, f, cv::COLOR_BGRA2GRAY);
    if (grey && f.channels() == 3) cv::cvtColor(f, f, cv::COLOR_BGR2GRAY);
    return f;
}

struct Region {
    cv::Rect crop;  // the compared part of the images
    int strips;
};

Region region(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask, double border_frac) {
    CV_Assert(!a.empty() && a.size() == b.size());
    CV_Assert(mask.empty() || (mask.size() == a.size() && mask.type() == CV_8UC1));
    const int bx = int(std::lround(a.cols * border_frac));
    const int by = int(std::lround(a.rows * border_frac));
    const cv::Rect crop(bx, by, a.cols - 2 * bx, a.rows - 2 * by);
    CV_Assert(crop.width > 0 && crop.height > 0);
    return {crop, (crop.height + kStrip - 1) / kStrip};
}

// Sums per strip, added in strip order so the result does not depend on the threads.
double total(const std::vector<double>& parts) {
    double sum = 0;
    for (double p : parts) sum += p;
    return sum;
}

}  // namespace

cv::Mat ideal_index_map(const Scene& scene) {
    const int n = scene.options.frames;
    cv::Mat index(scene.depth.size(), CV_16U);
    for (int y = 0; y < index.rows; ++y)
        for (int x = 0; x < index.cols; ++x)
            index.at<uint16_t>(y, x) = uint16_t(
                std::clamp(int(std::lround(scene.depth.at<float>(y, x) * (n - 1))), 0, n - 1));
    return index;
}

cv::Mat oracle_stack(const Scene& scene) {
    const cv::Mat index = ideal_index_map(scene);
    cv::Mat out(scene.ground_truth.size(), scene.ground_truth.type(), cv::Scalar::all(0));
    for (int i = 0; i < scene.options.frames; ++i) {
        const cv::Mat mask = index == i;
        if (cv::countNonZero(mask) > 0) render_frame(scene, i).copyTo(out, mask);
    }
    return out;
}

cv::Mat occlusion_band(const Scene& scene) {
    // A depth step of `jump` spills the near side's blur up to max_coc * jump pixels over the
    // far side (and the far side's uncovered blur over the near side's rim).
    const double min_jump = 0.02;
    cv::Mat grown, shrunk;
    const cv::Mat cross = cv::getStructuringElement(cv::MORPH_CROSS, cv::Size(3, 3));
    cv::dilate(scene.depth, grown, cross);
    cv::erode(scene.depth, shrunk, cross);
    const cv::Mat jump = grown - shrunk;
    double max_jump = 0;
    cv::minMaxLoc(jump, nullptr, &max_jump);
    const cv::Mat edges = jump > min_jump;
    const int r = int(std::ceil(scene.options.max_coc * max_jump)) + 1;
    cv::Mat band;
    cv::dilate(edges, band,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * r + 1, 2 * r + 1)));
    return band;
}

double psnr(const cv::Mat& a, const cv::Mat& b, double border_frac, const cv::Mat& mask) {
    const Region reg = region(a, b, mask, border_frac);
    const bool grey = a.channels() != b.channels();
    std::vector<double> sq(reg.strips), count(reg.strips);
    cv::parallel_for_(cv::Range(0, reg.strips), [&](const cv::Range& range) {
        for (int s = range.start; s < range.end; ++s) {
            const int y0 = reg.crop.y + s * kStrip;
            const cv::Rect r(reg.crop.x, y0, reg.crop.width,
                             std::min(kStrip, reg.crop.y + reg.crop.height - y0));
            cv::Mat d = to_float(a(r), grey) - to_float(b(r), grey);
            d = d.mul(d);
            cv::Mat on;
            if (!mask.empty()) on = mask(r) != 0;
            const double pixels = on.empty() ? double(d.total()) : cv::countNonZero(on);
            const cv::Scalar part = cv::mean(d, on) * pixels;
            sq[s] = part[0] + part[1] + part[2] + part[3];
            count[s] = pixels * d.channels();
        }
    });
    const double n = total(count);
    CV_Assert(n > 0);
    const double mse = total(sq) / n;
    return mse > 0 ? 10 * std::log10(1 / mse) : std::numeric_limits<double>::infinity();
}

// Computed here rather than with cv::quality::QualitySSIM: that one allocates a dozen full-size
// float images, slow on 12 MP. Same definition (Gaussian 11x11, sigma 1.5, K1 = 0.01,
// K2 = 0.03, data range 1); agrees with QualitySSIM to about 1e-3.
double ssim(const cv::Mat& a, const cv::Mat& b, double border_frac, const cv::Mat& mask) {
    const Region reg = region(a, b, mask, border_frac);
    constexpr int kContext = 5;  // the window's radius: strips see their neighbours' rows
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    std::vector<double> sum(reg.strips), count(reg.strips);
    cv::parallel_for_(cv::Range(0, reg.strips), [&](const cv::Range& range) {
        auto smooth = [](const cv::Mat& m) {
            cv::Mat out;
            cv::GaussianBlur(m, out, cv::Size(11, 11), 1.5, 1.5, cv::BORDER_REFLECT);
            return out;
        };
        for (int s = range.start; s < range.end; ++s) {
            const int y0 = reg.crop.y + s * kStrip;
            const int y1 = std::min(y0 + kStrip, reg.crop.y + reg.crop.height);
            const int ya = std::max(reg.crop.y, y0 - kContext);
            const int yb = std::min(reg.crop.y + reg.crop.height, y1 + kContext);
            const cv::Rect wide(reg.crop.x, ya, reg.crop.width, yb - ya);
            const cv::Mat x = to_float(a(wide), true), y = to_float(b(wide), true);
            const cv::Mat mx = smooth(x), my = smooth(y);
            const cv::Mat sxx = smooth(x.mul(x)) - mx.mul(mx);
            const cv::Mat syy = smooth(y.mul(y)) - my.mul(my);
            const cv::Mat sxy = smooth(x.mul(y)) - mx.mul(my);
            const cv::Mat num = (2 * mx.mul(my) + c1).mul(2 * sxy + c2);
            const cv::Mat den = (mx.mul(mx) + my.mul(my) + c1).mul(sxx + syy + c2);
            const cv::Rect own(0, y0 - ya, reg.crop.width, y1 - y0);
            const cv::Mat map = cv::Mat(num / den)(own);
            cv::Mat on;
            if (!mask.empty()) on = mask(cv::Rect(reg.crop.x, y0, reg.crop.width, y1 - y0)) != 0;
            count[s] = on.empty() ? double(map.total()) : cv::countNonZero(on);
            sum[s] = cv::mean(map, on)[0] * count[s];
        }
    });
    const double n = total(count);
    CV_Assert(n > 0);
    return total(sum) / n;
}

}  // namespace fstack::synth
