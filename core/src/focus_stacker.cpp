// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/focus_stacker.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "float_frame.hpp"
#include "fstack/error.hpp"
#include "fstack/frames.hpp"
#include "fstack/job.hpp"
#include "fstack/kernels/pixel_math.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

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

cv::Mat FocusStacker::focus_measure(const cv::Mat& frame) const {
    const cv::Mat f = frame.depth() == CV_32F ? frame : to_float(frame);
    cv::Mat grey = float_luma(f);
    const int s = options_.scale_factor;
    // Luma is linear in the channels and so is cubic resampling: upsampling the luma alone is
    // the same as taking the luma of the upsampled frame, at a third of the memory.
    if (s > 1) {
        cv::Mat up;
        cv::resize(grey, up, cv::Size(), s, s, cv::INTER_CUBIC);
        grey = up;
    }
    // Local variance of the Laplacian (Pech-Pacheco et al. 2000): the Laplacian alone flips sign
    // across every edge and is zero on the flat side of it; its variance over a window is a
    // stable "how much fine detail is here" that does not depend on the edge's direction.
    cv::Mat lap;
    cv::Laplacian(grey, lap, CV_32F, 3, 1, 0, cv::BORDER_REFLECT101);
    grey.release();
    const int r = options_.radius;
    const cv::Size box(2 * r + 1, 2 * r + 1);
    cv::Mat mean, var;
    cv::boxFilter(lap, mean, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    cv::multiply(lap, lap, lap);
    cv::boxFilter(lap, var, CV_32F, box, cv::Point(-1, -1), true, cv::BORDER_REFLECT101);
    lap.release();
    cv::multiply(mean, mean, mean);
    cv::subtract(var, mean, var);
    mean.release();
    var = cv::max(var, 0.0);  // rounding can leave tiny negatives
    const double sigma = options_.smoothing;
    cv::GaussianBlur(var, var, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    if (s > 1) {
        cv::Mat down;
        cv::resize(var, down, frame.size(), 0, 0, cv::INTER_AREA);
        var = down;
    }
    return var;
}

void FocusStacker::add_frame(const cv::Mat& frame, int index) {
    const cv::Mat f = to_float(frame);
    if (pass_ == 0) {
        const cv::Mat m = focus_measure(f);
        if (index == 0) {
            best_measure_ = m;
            depth_map_ = cv::Mat::zeros(f.size(), CV_16U);
            return;
        }
        // Strictly greater: of equally sharp frames (flat areas) the first one wins, as in
        // DepthMapStack, so that the depth map is stable where nothing is in focus.
        const cv::Mat better = m > best_measure_;
        m.copyTo(best_measure_, better);
        depth_map_.setTo(index, better);
        return;
    }
    if (index == 0) {
        best_measure_.release();  // pass 1's measure is not needed any more
        acc_ = cv::Mat::zeros(f.size(), f.type());
        weight_sum_ = cv::Mat::zeros(f.size(), CV_32F);
    }
    const cv::Mat mask = depth_map_ == index;
    if (cv::countNonZero(mask) == 0) return;
    cv::Mat w;
    mask.convertTo(w, CV_32F, 1.0 / 255.0);
    const double sigma = blend_sigma();
    cv::GaussianBlur(w, w, cv::Size(), sigma, sigma, cv::BORDER_REFLECT101);
    const int cn = f.channels();
    cv::parallel_for_(cv::Range(0, f.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* fp = f.ptr<float>(y);
            const float* wp = w.ptr<float>(y);
            float* ap = acc_.ptr<float>(y);
            float* sp = weight_sum_.ptr<float>(y);
            for (int x = 0; x < f.cols; ++x) {
                kernels::accumulate_weighted(wp[x], fp + x * cn, cn, ap + x * cn, sp + x);
            }
        }
    });
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
