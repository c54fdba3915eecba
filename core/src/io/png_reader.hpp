// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// PNG decoding with libpng directly: OpenCV's decoder prints libpng's warnings (such as the
// harmless "known incorrect sRGB profile" of many camera exports) on stderr, which a library must
// not do, and hides the reason of a failure.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

// Decodes 1..16-bit grey, grey+alpha, RGB, RGBA and palette PNGs to CV_8U or CV_16U grey, BGR or
// BGRA. Throws Error(Input) naming `name` with libpng's reason.
cv::Mat decode_png(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index);

}  // namespace fstack
