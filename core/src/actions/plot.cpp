// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/plot.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>
#include <opencv2/plot.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {

namespace {

constexpr int kHeader = 40;  // rows above the plot for the title and the legend

cv::Mat render_one(const PlotSeries& s, double x0, double x1, double y0, double y1, cv::Size size,
                   bool axes) {
    cv::Mat x(s.x, true), y(s.y, true);
    auto plot = cv::plot::Plot2d::create(x.reshape(1, 1), y.reshape(1, 1));
    plot->setPlotSize(size.width, size.height);
    plot->setMinX(x0);
    plot->setMaxX(x1);
    plot->setMinY(y0);
    plot->setMaxY(y1);
    plot->setPlotLineWidth(2);
    plot->setPlotLineColor(s.colour);
    plot->setPlotBackgroundColor(cv::Scalar(255, 255, 255));
    plot->setPlotAxisColor(axes ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255));
    plot->setPlotGridColor(axes ? cv::Scalar(220, 220, 220) : cv::Scalar(255, 255, 255));
    plot->setPlotTextColor(axes ? cv::Scalar(60, 60, 60) : cv::Scalar(255, 255, 255));
    plot->setShowText(axes);
    plot->setShowGrid(axes);
    plot->setInvertOrientation(false);
    cv::Mat out;
    plot->render(out);
    return out;
}

}  // namespace

cv::Mat render_plot(const std::vector<PlotSeries>& series, const std::string& title, cv::Size size) {
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const auto& s : series) {
        for (double v : s.x) x0 = std::min(x0, v), x1 = std::max(x1, v);
        for (double v : s.y) y0 = std::min(y0, v), y1 = std::max(y1, v);
    }
    if (x0 > x1) x0 = 0, x1 = 1;
    if (y0 > y1) y0 = 0, y1 = 1;
    if (x1 - x0 < 1e-12) x1 = x0 + 1;
    const double pad = std::max(1e-9, 0.05 * (y1 - y0));
    y0 -= pad, y1 += pad;

    cv::Mat canvas(size.height + kHeader, size.width, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::Mat area = canvas.rowRange(kHeader, canvas.rows);
    bool first = true;
    for (const auto& s : series) {
        if (s.x.size() < 2 || s.x.size() != s.y.size()) continue;
        const cv::Mat r = render_one(s, x0, x1, y0, y1, size, first);
        if (first) r.copyTo(area);
        else {
            // Later curves: keep only their line pixels over the first plot's axes.
            cv::Mat line;
            cv::inRange(r, s.colour, s.colour, line);
            r.copyTo(area, line);
        }
        first = false;
    }
    cv::putText(canvas, title, {10, 16}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {0, 0, 0}, 1, cv::LINE_AA);
    int x = 10;
    for (const auto& s : series) {
        if (s.label.empty()) continue;
        cv::line(canvas, {x, 31}, {x + 20, 31}, s.colour, 2);
        cv::putText(canvas, s.label, {x + 25, 35}, cv::FONT_HERSHEY_SIMPLEX, 0.4, {0, 0, 0}, 1, cv::LINE_AA);
        x += 40 + static_cast<int>(s.label.size()) * 8;
    }
    return canvas;
}

void write_plot(const std::filesystem::path& path, const cv::Mat& image) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (!std::filesystem::is_directory(path.parent_path(), ec))
        throw Error(ErrorKind::Output, path.parent_path().string(), -1, "cannot create the plot folder");
    write_image(path, image);
}

}  // namespace fstack
