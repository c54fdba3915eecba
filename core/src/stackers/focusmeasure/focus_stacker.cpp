// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker (OpenScan): supersampled windowed focus measure, weights, blend, and its table.
#include "fstack/focus_stacker.hpp"

#include <algorithm>
#include <functional>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/kernels/stackers/blend.hpp"
#include "fstack/stack_frames.hpp"
#include "stackers/float_frame.hpp"
#include "stackers/one_hot_blend.hpp"

namespace fstack {
namespace fs = std::filesystem;
const ParamTable<FocusStackerOptions>& focus_stacker_params() {
    using T = ParamTable<FocusStackerOptions>;
    using O = FocusStackerOptions;
    static const T table({
        T::member(&O::radius, {"radius", "_Radius",
                              "Focus measure window: (2 radius + 1) pixels square, supersampled pixels; larger "
                              "resists noise, smaller keeps depth edges sharp", {}, 1, 20}),
        T::member(&O::smoothing, {"smoothing", "Smoothin_g",
                                 "Gaussian sigma of the focus maps and of the frame weights, supersampled pixels",
                                 {}, 1, 10}),
        T::member(&O::scale_factor, {"scale_factor", "Sc_ale factor",
                                    "Measure focus at 1-4x the resolution (finer seams; time and memory grow with "
                                    "its square); the result keeps the input size", {}, 1, 4}),
    });
    return table;
}

FocusStacker::FocusStacker(FocusStackerOptions options)
    : blend_(std::make_unique<OneHotBlend>()), options_(options) {
    focus_stacker_params().check(options_);
}

FocusStacker::~FocusStacker() = default;

FocusStacker::FocusStacker(int radius, int smoothing, int scale_factor)
    : FocusStacker(FocusStackerOptions{radius, smoothing, scale_factor}) {}

void FocusStacker::begin_pass(int pass) {
    Stacker::begin_pass(pass);
    if (pass != 1 || depth_map_.empty()) return;
    const double sigma = blend_sigma();
    blend_->plan(depth_map_, frame_count_, gaussian_reach(sigma), [sigma](cv::Mat& w) {
        cv::GaussianBlur(w, w, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    });
}

double FocusStacker::blend_sigma() const {
    // smoothing counts supersampled pixels, like radius; the blend runs at the input size.
    return static_cast<double>(options_.smoothing) / options_.scale_factor;
}

std::unique_ptr<Stacker> FocusStacker::clone() const { return std::make_unique<FocusStacker>(options_); }

void FocusStacker::begin(int frame_count) {
    Stacker::begin(frame_count);
    best_measure_.release();
    acc_.release();
    weight_sum_.release();
}

namespace {

// The focus measure of the luma rows `grey` (FocusStacker::focus_measure), at the input scale.
cv::Mat measure_rows(const cv::Mat& grey_rows, const FocusStackerOptions& options,
                     const std::function<void()>& check_cancel) {
    cv::Mat grey = grey_rows;
    const int s = options.scale_factor;
    // Luma is linear in the channels and so is cubic resampling: upsampling the luma alone is
    // the same as taking the luma of the upsampled frame, at a third of the memory.
    if (s > 1) {
        cv::Mat up;
        cv::resize(grey, up, cv::Size(), s, s, cv::INTER_CUBIC);
        grey = up;
        check_cancel();
    }
    // Local variance of the Laplacian (Pech-Pacheco et al. 2000): the Laplacian alone flips sign
    // across every edge and is zero on the flat side of it; its variance over a window is a
    // stable "how much fine detail is here" that does not depend on the edge's direction.
    cv::Mat lap;
    cv::Laplacian(grey, lap, CV_32F, 3, 1, 0, cv::BORDER_REFLECT101);
    grey.release();
    const int r = options.radius;
    const cv::Size box(2 * r + 1, 2 * r + 1);
    cv::Mat mean, var;
    cv::boxFilter(lap, mean, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    cv::multiply(lap, lap, lap);
    cv::boxFilter(lap, var, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    lap.release();
    check_cancel();
    cv::multiply(mean, mean, mean);
    cv::subtract(var, mean, var);
    mean.release();
    var = cv::max(var, 0.0);  // rounding can leave tiny negatives
    const double sigma = options.smoothing;
    cv::GaussianBlur(var, var, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    if (s > 1) {
        cv::Mat down;
        cv::resize(var, down, grey_rows.size(), 0, 0, cv::INTER_AREA);
        var = down;
    }
    return var;
}

}  // namespace

// In row bands on OpenCV's threads (OpenCV's float filters run on one thread), each measured
// from the band and the rows either side that its filters reach (the cubic supersampling 2
// input rows, then in supersampled rows the Laplacian 1, the box its radius, the Gaussian 4
// sigma; at the frame's edges, no more rows, so the filters' own borders are the whole frame's). The bands depend on the frame's height only:
// the same measure for any number of threads.
cv::Mat FocusStacker::focus_measure(const cv::Mat& frame) const {
    const cv::Mat f = frame.depth() == CV_32F ? frame : to_float(frame);
    const cv::Mat grey = float_luma(f);
    const int s = options_.scale_factor;
    const int reach = 1 + options_.radius + gaussian_reach(options_.smoothing);  // supersampled
    const int halo = 2 + (reach + s - 1) / s + 1;  // input rows, one more for the area blocks
    const int h = grey.rows;
    // Scale 3 is measured whole: OpenCV's cubic resize rounds (y + 0.5) / 3 differently for a
    // band's rows than for the frame's, which the variance magnifies to 1e-3 of its peak.
    const bool exact = (s & (s - 1)) == 0;
    const int bands = exact ? std::max(1, std::min(h / std::max(64, 8 * halo), 8)) : 1;
    cv::Mat out(grey.size(), CV_32F);
    const std::function<void()> cancel = [this] { check_cancel(); };
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        for (int b = range.start; b < range.end; ++b) {
            const int y0 = int(std::int64_t(b) * h / bands), y1 = int(std::int64_t(b + 1) * h / bands);
            const int a0 = std::max(0, y0 - halo), a1 = std::min(h, y1 + halo);
            const cv::Mat m = measure_rows(grey.rowRange(a0, a1), options_, cancel);
            m.rowRange(y0 - a0, y1 - a0).copyTo(out.rowRange(y0, y1));
        }
    });
    return out;
}

// Pass 1: the focus measure (mats[0]). Pass 2: per tile its blurred one-hot weight reaches, the
// frame weighted by it and the weight (one_hot_blend.hpp); nothing for a frame the depth map
// never picks.
Stacker::FrameWork FocusStacker::prepare(const cv::Mat& frame, int index) const {
    FrameWork work;
    if (pass_ == 0) {
        work.mats.push_back(focus_measure(to_float(frame)));
        check_cancel();
        return work;
    }
    work = blend_->prepare(frame, index);
    check_cancel();
    return work;
}

double FocusStacker::work_bytes_per_pixel(int channels) const {
    // Pass 1 holds the float frame, the supersampled luma and its filters (s^2 planes each;
    // measured at scale factor 2: 37 to 76 MiB/MP more per frame in flight, the estimate 80).
    const double s = options_.scale_factor;
    return 4.0 * channels + 4 * 4.0 * s * s;
}

void FocusStacker::merge(FrameWork& work, int index) {
    if (pass_ == 0) {
        cv::Mat& m = work.mats[0];
        if (index == 0) {
            best_measure_ = m;
            depth_map_ = cv::Mat::zeros(m.size(), CV_16U);
            return;
        }
        select_sharpest(m, index, best_measure_, depth_map_);
        return;
    }
    if (acc_.empty()) {
        best_measure_.release();  // pass 1's measure is not needed any more
        acc_ = cv::Mat::zeros(depth_map_.size(), CV_32FC(CV_MAT_CN(type_)));
        weight_sum_ = cv::Mat::zeros(depth_map_.size(), CV_32F);
    }
    blend_->merge(work, index, acc_, weight_sum_);
}

cv::Mat FocusStacker::finish() {
    if (acc_.empty()) throw Error(ErrorKind::Input, "no frames were added");
    cv::Mat result = blend_result(acc_, weight_sum_, type_);
    acc_.release();
    weight_sum_.release();
    blend_->clear();
    return result;
}

cv::Mat FocusStacker::process_stack(const std::vector<fs::path>& paths, Progress& progress) {
    FileFrameSource frames(paths, progress);
    frames.validate();
    return stack_frames(*this, frames, 0, progress).image;
}

void FocusStacker::save_image(const cv::Mat& image, const fs::path& path, const WriteOptions& options) {
    write_image(path, image, options);
}

}  // namespace fstack
