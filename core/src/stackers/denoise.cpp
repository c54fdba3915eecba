// SPDX-License-Identifier: GPL-3.0-or-later
// Non-local-means denoising of a result, 8- and 16-bit.
#include "fstack/denoise.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "fstack/image_io.hpp"

namespace fstack {

cv::Mat denoise(const cv::Mat& image, double h) {
    if (h <= 0 || image.empty()) return image;
    constexpr int kTemplate = 7, kSearch = 21;  // the seed's window sizes
    cv::Mat colour = image, alpha;
    if (image.channels() == 4) {
        cv::extractChannel(image, alpha, 3);
        colour = convert_channels(image, 3);
    }
    cv::Mat out;
    if (colour.depth() == CV_8U) {
        if (colour.channels() == 3)
            cv::fastNlMeansDenoisingColored(colour, out, float(h), float(h), kTemplate, kSearch);
        else
            cv::fastNlMeansDenoising(colour, out, float(h), kTemplate, kSearch);
    } else {
        // OpenCV's colour variant is 8-bit only (the seed's crash). For 16 bits: denoise the
        // luma/chroma planes (as the colour variant does) with the 16-bit L1 variant, h scaled
        // to the 16-bit range.
        cv::Mat lab;
        cv::Mat f;
        colour.convertTo(f, CV_32F, 1.0 / 65535.0);
        if (colour.channels() == 3) cv::cvtColor(f, lab, cv::COLOR_BGR2YCrCb); else lab = f;
        std::vector<cv::Mat> planes;
        cv::split(lab, planes);
        for (cv::Mat& p : planes) {
            cv::Mat p16, d16;
            p.convertTo(p16, CV_16U, 65535.0);
            // With NORM_L1 the patch distance is linear in the values, so h scales by 257, and
            // the L1 distance of a noise patch is ~sqrt(2/pi)/sqrt(2) of the L2 one.
            const float h16 = float(h * 257.0 * 1.6);
            cv::fastNlMeansDenoising(p16, d16, std::vector<float>{h16}, kTemplate, kSearch, cv::NORM_L1);
            d16.convertTo(p, CV_32F, 1.0 / 65535.0);
        }
        cv::merge(planes, lab);
        if (colour.channels() == 3) cv::cvtColor(lab, f, cv::COLOR_YCrCb2BGR); else f = lab;
        f.convertTo(out, CV_16U, 65535.0);
    }
    if (!alpha.empty()) {
        std::vector<cv::Mat> ch;
        cv::split(out, ch);
        ch.push_back(alpha);
        cv::merge(ch, out);
    }
    return out;
}

}  // namespace fstack
