// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_bench --warp: the alignment's full-size warp (warp_affine_cubic, two 1D passes)
// against cv::warpAffine's INTER_CUBIC on the same frame and map, in this process, with the
// ratio and the largest difference between the two.
#include "warp_case.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "actions/align/frame_warp.hpp"

namespace fstack::bench {

namespace {

template <typename F> double median_seconds(int repeat, F&& f) {
    std::vector<double> t;
    for (int k = 0; k < repeat; ++k) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int run_warp_case(int width, int height, int repeat) {
    const cv::Size size(width, height);
    // A map of the --align case's size: 0.4 degrees, 1.2% scale, a sub-pixel shift.
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(width / 2.0f, height / 2.0f), 0.4, 1.012);
    const cv::Matx33d m(r.at<double>(0, 0), r.at<double>(0, 1), r.at<double>(0, 2) + 3.3, r.at<double>(1, 0),
                        r.at<double>(1, 1), r.at<double>(1, 2) - 2.7, 0, 0, 1);
    std::printf("warp case %dx%d, %d OpenCV threads, median of %d: the frame warped by 0.4 deg, 1.2%% scale, "
                "(3.3, -2.7) px\n",
                width, height, cv::getNumThreads(), repeat);
    std::printf("%-12s %12s %14s %7s %18s\n", "frame", "fstack ms", "warpAffine ms", "ratio", "largest diff");
    struct Kind {
        int type;
        const char* name;
        double full;
    };
    for (const Kind& k : {Kind{CV_8UC1, "8-bit grey", 255}, Kind{CV_8UC3, "8-bit RGB", 255},
                          Kind{CV_16UC3, "16-bit RGB", 65535}, Kind{CV_32FC3, "float RGB", 1}}) {
        cv::Mat frame(size, k.type);
        cv::randu(frame, 0, k.full);
        cv::GaussianBlur(frame, frame, cv::Size(), 1.5);
        cv::Mat ours, theirs;
        int uncovered = 0;
        bool served = true;
        const double t_ours = median_seconds(repeat, [&] { served = warp_affine_cubic(frame, m, ours, nullptr, uncovered); });
        const double t_cv = median_seconds(repeat, [&] {
            cv::warpAffine(frame, theirs, cv::Mat(m).rowRange(0, 2), size, cv::INTER_CUBIC, cv::BORDER_REPLICATE);
        });
        if (!served) {
            std::printf("%-12s not served by the two-pass warp\n", k.name);
            return 1;
        }
        // Away from the edges (replicated there by both, differently).
        const cv::Rect inner(40, 40, width - 80, height - 80);
        const double diff = cv::norm(ours(inner), theirs(inner), cv::NORM_INF) / k.full;
        std::printf("%-12s %12.1f %14.1f %7.2f %12.5f of full\n", k.name, 1e3 * t_ours, 1e3 * t_cv, t_cv / t_ours, diff);
    }
    std::printf("(ratio: warpAffine's time over fstack's; the difference is OpenCV's 1/32 px rounding of the "
                "positions, against exact ones)\n");
    return 0;
}

}  // namespace fstack::bench
