// SPDX-License-Identifier: GPL-3.0-or-later
// Frames to float32 on a 0..1 scale and back, for the stackers.
#include "stackers/float_frame.hpp"

#include <opencv2/imgproc.hpp>

namespace fstack {

cv::Mat float_luma(const cv::Mat& f) {
    if (f.channels() == 1) return f;
    cv::Mat y;
    // BGR(A) order; alpha is ignored.
    const cv::Matx14f bgr(0.114f, 0.587f, 0.299f, 0.0f);
    if (f.channels() == 3) cv::transform(f, y, cv::Matx13f(0.114f, 0.587f, 0.299f));
    else cv::transform(f, y, bgr);
    return y;
}

}  // namespace fstack
