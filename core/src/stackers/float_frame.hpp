// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Stackers work in float32 on a 0..1 scale whatever the input depth; these convert both ways.
#include <opencv2/core.hpp>

namespace fstack {

inline double depth_scale(int depth) { return depth == CV_16U ? 65535.0 : 255.0; }

inline cv::Mat to_float(const cv::Mat& frame) {
    cv::Mat f;
    frame.convertTo(f, CV_32F, 1.0 / depth_scale(frame.depth()));
    return f;
}

inline cv::Mat from_float(const cv::Mat& f, int type) {
    cv::Mat out;
    f.convertTo(out, type, depth_scale(CV_MAT_DEPTH(type)));  // saturates
    return out;
}

// Luma (BT.601) of a float frame, or the frame itself if grey.
cv::Mat float_luma(const cv::Mat& f);

}  // namespace fstack
