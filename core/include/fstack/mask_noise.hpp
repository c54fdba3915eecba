// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"

namespace fstack {

enum class InterpolationMethod { Mean, Median };  // the seed's INTERPOLATE_MEAN / _MEDIAN

struct MaskNoiseOptions {
    // Relative paths start at the job's working folder (the CLI: the current folder).
    std::filesystem::path noise_mask = "noise-map/hot-rgb.png";
    int kernel_size = 3;  // odd window whose clean pixels replace a noisy one
    InterpolationMethod method = InterpolationMethod::Mean;
};

// The job-file keys of MaskNoise that are scalars (noise_mask, a path, is read by each front end
// itself; frame_action_registry.hpp declares it).
const ParamTable<MaskNoiseOptions>& mask_noise_params();

// The constructor's validation: mask_noise_params().check(), and a noise_mask. Throws Error(Usage).
void check_mask_noise_options(const MaskNoiseOptions& options);

// The seed's MaskNoise: replaces every pixel of the mask by the mean or median of the clean
// pixels around it, in every channel.
class MaskNoise : public FrameAction {
public:
    explicit MaskNoise(MaskNoiseOptions options = {});
    std::string name() const override { return "MaskNoise"; }
    cv::Mat begin(const cv::Mat& reference, const FrameActionContext& context) override;
    cv::Mat process(const cv::Mat& frame, int index, int neighbour_index) override;
    cv::Mat replay(const cv::Mat& frame, int index) override { return process(frame, index, index); }
    std::unique_ptr<FrameAction> clone() const override;

    // The in-memory form: `mask` CV_8U, nonzero = noisy (GIMP, tests). Polls
    // progress.check_cancel() every row: a large kernel over a dense mask takes minutes.
    static cv::Mat mask_pixels(const cv::Mat& frame, const cv::Mat& mask, int kernel_size,
                               InterpolationMethod method, Progress& progress = null_progress());

private:
    MaskNoiseOptions options_;
    cv::Mat mask_;
    Progress* progress_ = &null_progress();  // the stack's, from begin()
};

}  // namespace fstack
