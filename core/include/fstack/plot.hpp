// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The PNG plots of the frame actions, drawn with OpenCV's contrib plot module (cv::plot::Plot2d):
// several curves on shared axes, with a title and a legend line.
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

struct PlotSeries {
    std::vector<double> x, y;
    cv::Scalar colour{0, 0, 255};  // BGR
    std::string label;
};

// Renders the curves on common axes (ranges from all data); `title` goes above the plot.
cv::Mat render_plot(const std::vector<PlotSeries>& series, const std::string& title,
                    cv::Size size = cv::Size(800, 500));

// Writes an 8-bit plot image as PNG, creating the folder. Throws Error(Output).
void write_plot(const std::filesystem::path& path, const cv::Mat& image);

}  // namespace fstack
