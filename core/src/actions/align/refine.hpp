// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <opencv2/core.hpp>

#include "fstack/align_frames.hpp"

namespace fstack {

// One grey copy of a frame prepared for intensity registration: a Gaussian pyramid of
// lightly smoothed float images (the finest at the size given), built once per frame.
struct RegistrationPyramid {
    std::vector<cv::Mat> levels;  // CV_32F, levels[0] the finest
    cv::Size size() const { return levels.empty() ? cv::Size() : levels[0].size(); }
};
RegistrationPyramid registration_pyramid(const cv::Mat& grey);

// What the intensity refinement found for a step (moving pixels -> fixed pixels, both at the
// pyramid's finest scale).
struct Registration {
    cv::Matx33d step = cv::Matx33d::eye();
    // RMS of the brightness-normalised difference over the area both frames cover (0: equal,
    // about 1.4: unrelated), for the identity and for `step`.
    double error_identity = 0, error_step = 0;
    double corner_sigma = 0;  // standard error of the step at the frame's corners, pixels
    bool converged = false;
};

// Refines `start` by inverse-compositional Gauss-Newton, coarse to fine: the model's parameters
// (rotation + uniform scale + shift, or a homography) against the fixed frame's gradients, each
// frame brought to zero mean and unit contrast over the shared area (gain and flicker cancel),
// both smoothed so that their different defocus matters little.
Registration refine_registration(const RegistrationPyramid& moving, const RegistrationPyramid& fixed,
                                 const cv::Matx33d& start, AlignTransform model);

// The error of `step` alone (no refinement), at the finest level.
double registration_error(const RegistrationPyramid& moving, const RegistrationPyramid& fixed, const cv::Matx33d& step);

}  // namespace fstack
