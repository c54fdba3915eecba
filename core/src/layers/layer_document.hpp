// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What every layered writer shares: bringing a layer to the document's layout, checking it, and
// blending the visible layers into the composite that PSD, Photoshop TIFF and ORA carry.
#include <string>

#include <opencv2/core.hpp>

#include "fstack/layers.hpp"

namespace fstack::detail {

// The layer as BGR or BGRA (spec.alpha) in the document's depth; throws Error(Internal) naming
// the layer if its size is wrong or it is empty.
cv::Mat to_document_layout(const cv::Mat& pixels, const LayeredImageSpec& spec, int index,
                           const std::string& shown);
// The mask as one channel in `depth` (8-bit masks are scaled by 257 for 16-bit documents).
cv::Mat mask_to_depth(const cv::Mat& mask, const LayeredImageSpec& spec, int index,
                      const std::string& shown);

// "Over" blend of the visible layers, bottom first, in premultiplied float: constant memory
// (one float RGBA frame) whatever the number of layers.
class Compositor {
public:
    Compositor(int width, int height);
    // `layer` in document layout; `mask` (same depth, one channel) may be empty.
    void over(const cv::Mat& layer, const cv::Mat& mask);
    // BGR or BGRA in `depth`; transparent pixels of an RGB document come out black.
    cv::Mat result(int depth, bool alpha) const;

private:
    cv::Mat acc_;  // CV_32FC4: premultiplied B, G, R and alpha
};

}  // namespace fstack::detail
