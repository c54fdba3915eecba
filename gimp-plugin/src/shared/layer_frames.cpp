// SPDX-License-Identifier: GPL-3.0-or-later
#include "layer_frames.hpp"

#include <opencv2/imgproc.hpp>

namespace fstack::gimp {

LayerFrameSource::LayerFrameSource(Host& host, std::vector<LayerInfo> layers, const ImageInfo& image)
    : host_(host), layers_(std::move(layers)), seen_(layers_.size(), false),
      depth_(image.sixteen ? CV_16U : CV_8U) {}

std::string LayerFrameSource::frame_name(int index) const {
    return "layer '" + layers_.at(index).name + "'";
}

cv::Mat LayerFrameSource::frame(int index) {
    cv::Mat px = host_.read(layers_.at(index).id, depth_);
    const int cn = px.channels() - 1;  // the host always appends alpha
    std::vector<cv::Mat> planes;
    cv::split(px, planes);
    if (!seen_[index]) {
        seen_[index] = true;
        if (coverage_.empty()) coverage_ = planes.back().clone();
        else cv::min(coverage_, planes.back(), coverage_);
    }
    planes.pop_back();
    cv::Mat colour;
    if (cn == 1) return planes[0];
    // The core (and the CLI, through OpenCV's decoders) works in BGR: the grey weights of the
    // focus measures then see the channels they expect, and results match `fstack stack`.
    std::swap(planes[0], planes[2]);
    cv::merge(planes, colour);
    return colour;
}

bool LayerFrameSource::fully_opaque() const {
    if (coverage_.empty()) return true;
    double lo = 0;
    cv::minMaxLoc(coverage_, &lo);
    return lo >= (depth_ == CV_16U ? 65535 : 255);
}

cv::Mat to_host_pixels(const cv::Mat& colour, const cv::Mat& alpha) {
    std::vector<cv::Mat> planes;
    cv::split(colour, planes);
    if (planes.size() == 3) std::swap(planes[0], planes[2]);
    if (!alpha.empty()) {
        cv::Mat a = alpha;
        if (a.depth() != colour.depth())
            a.convertTo(a, colour.depth(),
                        colour.depth() == CV_16U ? 257.0 : (colour.depth() == CV_8U ? 1 / 257.0 : 1.0));
        planes.push_back(a);
    }
    cv::Mat out;
    cv::merge(planes, out);
    return out;
}

}  // namespace fstack::gimp
