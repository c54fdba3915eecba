// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/frame_action.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"

namespace fstack {

std::string FrameActionContext::name_of(int index) const {
    if (frame_name) {
        const std::string n = frame_name(index);
        if (!n.empty()) return n;
    }
    return "frame " + std::to_string(index + 1);
}

std::string FrameActionContext::plot_stem(int index) const {
    std::string n = frame_name ? std::filesystem::path(frame_name(index)).stem().string() : std::string();
    if (n.empty()) n = "frame_" + std::to_string(index);
    for (char& c : n)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
    return n;
}

cv::Rect covered_area(const FrameGeometry& g) {
    const double w = g.frame_size.width, h = g.frame_size.height;
    double left = 0, top = 0, right = w, bottom = h;
    for (const cv::Matx33d& m : g.to_reference) {
        auto at = [&](double x, double y) {
            const cv::Vec3d q = m * cv::Vec3d(x, y, 1);
            return cv::Point2d(q[0] / q[2], q[1] / q[2]);
        };
        // The frame's edges on the reference; for rotations below 45 degrees the rectangle
        // inside every edge's span lies inside the warped frame.
        const cv::Point2d tl = at(0, 0), tr = at(w, 0), bl = at(0, h), br = at(w, h);
        left = std::max({left, tl.x, bl.x});
        right = std::min({right, tr.x, br.x});
        top = std::max({top, tl.y, tr.y});
        bottom = std::min({bottom, bl.y, br.y});
    }
    // A few thousandths of a pixel are rounding, not a border.
    const int x0 = static_cast<int>(std::ceil(left - 1e-3)), y0 = static_cast<int>(std::ceil(top - 1e-3));
    const int x1 = static_cast<int>(std::floor(right + 1e-3)), y1 = static_cast<int>(std::floor(bottom + 1e-3));
    if (x1 <= x0 || y1 <= y0) return {};
    return {x0, y0, x1 - x0, y1 - y0};
}

float max_code_value(int depth) { return depth == CV_16U ? 65535.0f : 255.0f; }

cv::Mat to_action_float(const cv::Mat& frame) {
    if (frame.depth() != CV_8U && frame.depth() != CV_16U)
        throw Error(ErrorKind::Input, "frame actions take 8- or 16-bit frames");
    cv::Mat f;
    frame.convertTo(f, CV_32F);
    return f;
}

cv::Mat from_action_float(const cv::Mat& frame, int depth) {
    cv::Mat out;
    frame.convertTo(out, depth);  // rounds and saturates
    return out;
}

cv::Mat luminosity(const cv::Mat& frame) {
    if (frame.channels() == 1) return frame;
    cv::Mat grey;
    cv::cvtColor(frame, grey, frame.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    return grey;
}

}  // namespace fstack
