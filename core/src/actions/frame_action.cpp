// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/frame_action.hpp"

#include <cctype>

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
