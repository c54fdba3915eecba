// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The feature detectors, descriptors and matchers AlignFrames can use, behind the seed's names.
#include <vector>

#include <opencv2/features2d.hpp>

#include "fstack/align_frames.hpp"

namespace fstack {

cv::Ptr<cv::Feature2D> make_detector(Detector detector);
cv::Ptr<cv::Feature2D> make_extractor(Descriptor descriptor);
bool is_binary(Descriptor descriptor);

// Matches of `query` (the moving frame) against `train` (the fixed one) by the seed's rules.
std::vector<cv::DMatch> match_features(const cv::Mat& query, const cv::Mat& train, Descriptor descriptor,
                                       const MatchingConfig& config);

}  // namespace fstack
