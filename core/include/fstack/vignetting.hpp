// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"

namespace fstack {

// The seed's model of the mean luminosity at distance r (pixels) from the image centre:
// i(r) = i0 / (1 + exp(exp(k (r - r0)))).
struct VignettingModel {
    double i0 = 0, k = 0, r0 = 0;
    double operator()(double r) const;
};

// Mean luminosity of the pixels brighter than `black_threshold` in `r_steps` rings out to the
// corners, and the model fitted to it (Levenberg-Marquardt, from a coarse grid start).
struct VignettingProfile {
    std::vector<double> radius, mean;  // rings with pixels only
    VignettingModel model;
};
VignettingProfile fit_vignetting(const cv::Mat& luminosity, int r_steps, double black_threshold);

struct VignettingOptions {
    int r_steps = 100;
    double black_threshold = 1;  // code values: darker pixels are neither measured nor corrected
    double max_correction = 1;   // < 1: no pixel is brightened by more than this fraction of the fit's fall-off
    bool apply_correction = true;
};

// The job-file keys of Vignetting (DESIGN.md, "One table per operation").
const ParamTable<VignettingOptions>& vignetting_params();

// The constructor's validation: vignetting_params().check(). Throws Error(Usage).
void check_vignetting_options(const VignettingOptions& options);

// The seed's Vignetting: fits the model on each frame and divides the fall-off out (relative
// to the centre), and plots the profile with its fit.
class Vignetting : public FrameAction {
public:
    explicit Vignetting(VignettingOptions options = {});
    std::string name() const override { return "Vignetting"; }
    cv::Mat begin(const cv::Mat& reference, const FrameActionContext& context) override;
    cv::Mat process(const cv::Mat& frame, int index, int neighbour_index) override;
    cv::Mat replay(const cv::Mat& frame, int index) override;
    std::unique_ptr<FrameAction> clone() const override;

    const VignettingModel& model(int index) const;

private:
    cv::Mat correct(const cv::Mat& frame, const VignettingModel& m) const;

    VignettingOptions options_;
    FrameActionContext context_;
    std::vector<VignettingModel> models_;
    std::vector<bool> known_;
};

}  // namespace fstack
