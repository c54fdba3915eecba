// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/focus_stacker.hpp"

#include <algorithm>
#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "float_frame.hpp"
#include "fstack/error.hpp"
#include "fstack/frames.hpp"
#include "fstack/job.hpp"
#include "fstack/kernels/pixel_math.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

// DEV toggles (to be removed once measured).
double env(const char* name, double fallback) {
    const char* v = std::getenv(name);
    return v ? std::atof(v) : fallback;
}

cv::Mat broadcast(const cv::Mat& plane, int channels) {
    if (channels == 1) return plane;
    cv::Mat out;
    cv::merge(std::vector<cv::Mat>(channels, plane), out);
    return out;
}

void check_range(const char* name, int value, int low, int high) {
    if (value < low || value > high)
        throw Error(ErrorKind::Usage, std::string(name) + " must be between " + std::to_string(low) + " and " +
                                          std::to_string(high) + ", got " + std::to_string(value));
}

}  // namespace

FocusStacker::FocusStacker(FocusStackerOptions options) : options_(options) {
    check_range("radius", options_.radius, 1, 20);
    check_range("smoothing", options_.smoothing, 1, 10);
    check_range("scale_factor", options_.scale_factor, 1, 4);
}

FocusStacker::FocusStacker(int radius, int smoothing, int scale_factor)
    : FocusStacker(FocusStackerOptions{radius, smoothing, scale_factor}) {}

std::unique_ptr<Stacker> FocusStacker::clone() const { return std::make_unique<FocusStacker>(options_); }

void FocusStacker::begin(int frame_count) {
    Stacker::begin(frame_count);
    best_measure_.release();
    index_map_.release();
    acc_.release();
    weight_sum_.release();
}

cv::Mat FocusStacker::supersample(const cv::Mat& frame) const {
    const cv::Mat f = frame.depth() == CV_32F ? frame : to_float(frame);
    if (options_.scale_factor == 1) return f;
    cv::Mat up;
    cv::resize(f, up, cv::Size(), options_.scale_factor, options_.scale_factor, cv::INTER_CUBIC);
    return up;
}

cv::Mat FocusStacker::focus_measure(const cv::Mat& frame) const { return measure(supersample(frame)); }

cv::Mat FocusStacker::measure(const cv::Mat& up) const {
    const cv::Mat grey = float_luma(up);
    const double unit = env("FM_INPUT_UNITS", 1) > 0 ? options_.scale_factor : 1;
    const int r = static_cast<int>(options_.radius * unit);
    cv::Mat lap;
    cv::Laplacian(grey, lap, CV_32F, static_cast<int>(env("FM_LAPK", 3)), 1, 0, cv::BORDER_REFLECT101);
    const cv::Size box(2 * r + 1, 2 * r + 1);
    cv::Mat mean, mean_sq;
    cv::boxFilter(lap, mean, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    cv::boxFilter(lap.mul(lap), mean_sq, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    cv::Mat var = mean_sq - mean.mul(mean);
    var = cv::max(var, 0.0);
    const double sigma = options_.smoothing * unit;
    cv::GaussianBlur(var, var, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    return var;
}

void FocusStacker::add_frame(const cv::Mat& frame, int index) {
    const cv::Mat up = supersample(frame);
    const int mode = static_cast<int>(env("FM_MODE", 0));
    if (mode == 1) {
        // DEV: single pass, weights = measure^p (online soft-max in the log domain).
        if (pass_ == 1) return;
        const double p = env("FM_POWER", 8);
        cv::Mat m = measure(up);
        cv::Mat logm;
        cv::log(m + 1e-12f, logm);
        logm *= p;
        if (best_measure_.empty()) {
            best_measure_ = cv::Mat(m.size(), CV_32F, cv::Scalar(-1e30f));
            index_map_ = cv::Mat::zeros(m.size(), CV_16U);
            acc_ = cv::Mat::zeros(up.size(), up.type());
            weight_sum_ = cv::Mat::zeros(up.size(), CV_32F);
        }
        // Rescale the running sums where the max grows.
        cv::Mat new_max = cv::max(best_measure_, logm);
        cv::Mat scale_old, w;
        cv::exp(best_measure_ - new_max, scale_old);
        cv::exp(logm - new_max, w);
        acc_ = acc_.mul(broadcast(scale_old, up.channels())) + up.mul(broadcast(w, up.channels()));
        weight_sum_ = weight_sum_.mul(scale_old) + w;
        const cv::Mat better = logm > best_measure_;
        index_map_.setTo(index, better);
        best_measure_ = new_max;
        return;
    }
    if (pass_ == 0) {
        const cv::Mat m = measure(up);
        if (best_measure_.empty()) {
            best_measure_ = cv::Mat(m.size(), CV_32F, cv::Scalar(-1.0f));
            index_map_ = cv::Mat::zeros(m.size(), CV_16U);
        }
        const cv::Mat better = m > best_measure_;
        m.copyTo(best_measure_, better);
        index_map_.setTo(index, better);
        return;
    }
    const bool blend_input = env("FM_BLEND_INPUT", 0) > 0 && options_.scale_factor > 1;
    const cv::Mat src = blend_input ? to_float(frame) : up;
    if (acc_.empty()) {
        best_measure_.release();  // pass 1's measure is no longer needed
        acc_ = cv::Mat::zeros(src.size(), src.type());
        weight_sum_ = cv::Mat::zeros(src.size(), CV_32F);
    }
    const cv::Mat mask = index_map_ == index;
    if (cv::countNonZero(mask) == 0) return;
    cv::Mat w;
    mask.convertTo(w, CV_32F, 1.0 / 255.0);
    const double unit = env("FM_INPUT_UNITS", 1) > 0 ? options_.scale_factor : 1;
    const double sigma = env("FM_WSIGMA", 1.0) * options_.smoothing * unit;
    if (sigma > 0) cv::GaussianBlur(w, w, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    if (blend_input) {
        cv::Mat d;
        cv::resize(w, d, size_, 0, 0, cv::INTER_AREA);
        w = d;
    }
    acc_ += src.mul(broadcast(w, src.channels()));
    weight_sum_ += w;
}

cv::Mat FocusStacker::finish() {
    if (acc_.empty()) throw Error(ErrorKind::Input, "no frames were added");
    cv::Mat fused(acc_.size(), acc_.type());
    const int cn = acc_.channels();
    for (int y = 0; y < acc_.rows; ++y) {
        const float* a = acc_.ptr<float>(y);
        const float* w = weight_sum_.ptr<float>(y);
        float* o = fused.ptr<float>(y);
        for (int x = 0; x < acc_.cols; ++x) kernels::normalise_weighted(a + x * cn, w[x], cn, o + x * cn);
    }
    acc_.release();
    weight_sum_.release();
    best_measure_.release();
    if (options_.scale_factor > 1) {
        cv::Mat down;
        if (fused.size() != size_) cv::resize(fused, down, size_, 0, 0, cv::INTER_AREA); else down = fused;
        fused = down;
        cv::resize(index_map_, depth_map_, size_, 0, 0, cv::INTER_NEAREST);
    } else {
        depth_map_ = index_map_;
    }
    index_map_.release();
    return from_float(fused, type_);
}

cv::Mat FocusStacker::process_stack(const std::vector<fs::path>& paths, Progress& progress) {
    FileFrameSource frames(paths, progress);
    frames.validate();
    return stack_frames(*this, frames, 0, progress).image;
}

void FocusStacker::save_image(const cv::Mat& image, const fs::path& path, const WriteOptions& options) {
    write_image(path, image, options);
}

std::vector<std::vector<fs::path>> split_into_stacks(std::vector<fs::path> paths, int stack_size,
                                                     bool keep_partial, Progress& progress) {
    if (stack_size < 1) throw Error(ErrorKind::Usage, "stack_size must be 1 or more, got " + std::to_string(stack_size));
    // stable: two files of one name in different folders keep the order they were given in.
    std::stable_sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
        return natural_less(a.filename().string(), b.filename().string());
    });
    const size_t n = paths.size(), size = static_cast<size_t>(stack_size);
    const size_t rest = n % size;
    if (rest != 0) {
        const std::string what = std::to_string(n) + " frames are not a multiple of the stack size " +
                                 std::to_string(stack_size) + ": " + std::to_string(rest) +
                                 " left over after " + std::to_string(n / size) + " full stacks";
        if (!keep_partial)
            throw Error(ErrorKind::Input, paths[n - rest].string(), static_cast<int>(n - rest),
                        what + " (a frame missing or extra would shift every later stack; check the "
                               "folder, or group by file name instead)");
        progress.warn(what + "; the last stack has " + std::to_string(rest) + " frames only");
    }
    std::vector<std::vector<fs::path>> stacks;
    for (size_t i = 0; i < n; i += size)
        stacks.emplace_back(paths.begin() + i, paths.begin() + std::min(n, i + size));
    return stacks;
}

}  // namespace fstack
