// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/mask_noise.hpp"

#include <algorithm>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {

const ParamTable<MaskNoiseOptions>& mask_noise_params() {
    using T = ParamTable<MaskNoiseOptions>;
    using O = MaskNoiseOptions;
    static const T table({
        T::member(&O::kernel_size, {"kernel_size", "_Kernel size",
                                    "Window around a noisy pixel whose clean pixels replace it", {}, 3, 99, false,
                                    false, true}),
        T::member(&O::method, {"method", "_Method", "How the clean neighbours are combined", {}, 0, 0, false, false,
                               false, {{"INTERPOLATE_MEAN", "mean", "Mean"}, {"INTERPOLATE_MEDIAN", "median", "Median"}}}),
    });
    return table;
}

void check_mask_noise_options(const MaskNoiseOptions& o) {
    mask_noise_params().check(o);
    if (o.noise_mask.empty()) throw Error(ErrorKind::Usage, "noise_mask must not be empty");
}

MaskNoise::MaskNoise(MaskNoiseOptions options) : options_(std::move(options)) { check_mask_noise_options(options_); }

std::unique_ptr<FrameAction> MaskNoise::clone() const { return std::make_unique<MaskNoise>(options_); }

cv::Mat MaskNoise::mask_pixels(const cv::Mat& frame, const cv::Mat& mask, int kernel_size, InterpolationMethod method,
                               Progress& progress) {
    cv::Mat out = frame.clone();
    const int cn = frame.channels();
    std::vector<float> values;
    for (int y = 0; y < mask.rows; ++y) {
        progress.check_cancel();
        const uchar* m = mask.ptr<uchar>(y);
        for (int x = 0; x < mask.cols; ++x) {
            if (!m[x]) continue;
            // Widen the window until it holds clean pixels (a cluster of noisy ones).
            for (int half = kernel_size / 2; half <= kernel_size / 2 + 8; ++half) {
                bool any = false;
                for (int c = 0; c < cn; ++c) {
                    values.clear();
                    for (int yy = std::max(0, y - half); yy <= std::min(mask.rows - 1, y + half); ++yy)
                        for (int xx = std::max(0, x - half); xx <= std::min(mask.cols - 1, x + half); ++xx)
                            if (!mask.at<uchar>(yy, xx)) values.push_back(frame.ptr<float>(yy)[xx * cn + c]);
                    if (values.empty()) break;
                    any = true;
                    float v;
                    if (method == InterpolationMethod::Mean) {
                        double s = 0;
                        for (float f : values) s += f;
                        v = static_cast<float>(s / static_cast<double>(values.size()));
                    } else {
                        auto mid = values.begin() + static_cast<long>(values.size() / 2);
                        std::nth_element(values.begin(), mid, values.end());
                        v = *mid;
                        if (values.size() % 2 == 0) v = 0.5f * (v + *std::max_element(values.begin(), mid));
                    }
                    out.ptr<float>(y)[x * cn + c] = v;
                }
                if (any) break;
            }
        }
    }
    return out;
}

cv::Mat MaskNoise::begin(const cv::Mat& reference, const FrameActionContext& context) {
    std::filesystem::path path = options_.noise_mask;
    if (path.is_relative() && !context.working_path.empty()) path = context.working_path / path;
    const cv::Mat mask = read_image(path);
    if (mask.size() != reference.size())
        throw Error(ErrorKind::Input, path.string(), -1,
                    "the noise mask is " + std::to_string(mask.cols) + "x" + std::to_string(mask.rows) +
                        " but the frames are " + std::to_string(reference.cols) + "x" + std::to_string(reference.rows));
    mask_ = convert_channels(mask, 1) != 0;
    progress_ = context.progress;
    return process(reference, context.reference_index, context.reference_index);
}

cv::Mat MaskNoise::process(const cv::Mat& frame, int, int) {
    return mask_pixels(frame, mask_, options_.kernel_size, options_.method, *progress_);
}

}  // namespace fstack
