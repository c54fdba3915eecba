// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Layers as a core FrameSource: frames are read from GIMP when the stacker asks for them (a
// two-pass stacker reads them twice), so the plug-in's memory does not grow with the number of
// layers, as the core promises for files.
#include <vector>

#include "fstack/stack_frames.hpp"
#include "fstack/stacker.hpp"
#include "host.hpp"

namespace fstack::gimp {

class LayerFrameSource : public FrameSource {
public:
    LayerFrameSource(Host& host, std::vector<LayerInfo> layers, const ImageInfo& image);

    int size() const override { return int(layers_.size()); }
    // Colour channels only, in the core's order (BGR or grey), 8- or 16-bit.
    cv::Mat frame(int index) override;
    std::string frame_name(int index) const override;

    // Where every frame read so far is opaque: the minimum alpha over the frames (image
    // sized, frame depth). Transparent parts of a frame (moved layers, smaller layers, erased
    // areas) hold no picture, so the result is transparent where any frame is.
    const cv::Mat& coverage() const { return coverage_; }
    bool fully_opaque() const;
    const std::vector<LayerInfo>& layers() const { return layers_; }
    int depth() const { return depth_; }

private:
    Host& host_;
    std::vector<LayerInfo> layers_;
    std::vector<bool> seen_;
    int depth_;
    cv::Mat coverage_;
};

// Core order (BGR / grey) + alpha -> GIMP order (RGB / Y) + alpha, for add_layer().
cv::Mat to_host_pixels(const cv::Mat& colour, const cv::Mat& alpha);

}  // namespace fstack::gimp
