// SPDX-License-Identifier: GPL-3.0-or-later
// The pyramid's REDUCE and EXPAND (core/src/stackers/pyramid/pyramid.cpp, polyphase: only the
// samples kept are filtered) against their definitions written out here in double: the image
// blurred by w (x) w with BORDER_REFLECT101 at (2x, 2y), and the zero-inserted image times 4
// blurred the same way; odd and even sizes down to 1 pixel, 1 to 4 channels.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "stackers/pyramid/pyramid.hpp"

namespace fstack {
namespace {

int reflect(int p, int n) {
    if (n == 1) return 0;
    while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
    return p;
}

std::vector<double> weights(double a) { return {0.25 - a / 2, 0.25, a, 0.25, 0.25 - a / 2}; }

cv::Mat reduce_by_definition(const cv::Mat& src, double a) {
    const std::vector<double> w = weights(a);
    const int cn = src.channels();
    cv::Mat out((src.rows + 1) / 2, (src.cols + 1) / 2, src.type());
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x)
            for (int c = 0; c < cn; ++c) {
                double acc = 0;
                for (int i = 0; i < 5; ++i)
                    for (int j = 0; j < 5; ++j)
                        acc += w[i] * w[j] *
                               src.ptr<float>(reflect(2 * y + i - 2, src.rows))[reflect(2 * x + j - 2, src.cols) * cn + c];
                out.ptr<float>(y)[x * cn + c] = float(acc);
            }
    return out;
}

// other + sign * expand(small) at other's size.
cv::Mat expand_add_by_definition(const cv::Mat& small, const cv::Mat& other, double sign, double a) {
    const std::vector<double> w = weights(a);
    const int cn = other.channels();
    cv::Mat out(other.size(), other.type());
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x)
            for (int c = 0; c < cn; ++c) {
                double acc = 0;
                for (int i = 0; i < 5; ++i)
                    for (int j = 0; j < 5; ++j) {
                        const int q = reflect(y + i - 2, out.rows), p = reflect(x + j - 2, out.cols);
                        if (q % 2 == 0 && p % 2 == 0) acc += w[i] * w[j] * 4 * small.ptr<float>(q / 2)[(p / 2) * cn + c];
                    }
                out.ptr<float>(y)[x * cn + c] = float(other.ptr<float>(y)[x * cn + c] + sign * acc);
            }
    return out;
}

cv::Mat random_image(int rows, int cols, int cn, int seed) {
    cv::Mat m(rows, cols, CV_32FC(cn));
    cv::RNG rng(seed);
    rng.fill(m, cv::RNG::UNIFORM, -1.0, 1.0);
    return m;
}

TEST(PyramidKernel, ReduceAndExpandAreTheirDefinitions) {
    int seed = 1;
    for (const double a : {0.4, 0.3, 0.375}) {  // 0.375: OpenCV's pyrUp's kernel, which reflects otherwise
        const PyramidKernel kernel(a);
        for (int rows : {1, 2, 3, 4, 5, 6, 7, 12, 33})
            for (int cols : {1, 2, 3, 4, 5, 6, 9, 10, 41})
                for (int cn = 1; cn <= 4; ++cn) {
                    const std::string where = "a " + std::to_string(a) + ", " + std::to_string(cols) + "x" +
                                              std::to_string(rows) + "x" + std::to_string(cn);
                    const cv::Mat image = random_image(rows, cols, cn, seed++);
                    const cv::Mat down = kernel.reduce(image);
                    ASSERT_EQ(down.size(), cv::Size((cols + 1) / 2, (rows + 1) / 2)) << where;
                    EXPECT_LE(cv::norm(down, reduce_by_definition(image, a), cv::NORM_INF), 2e-6) << where;
                    const cv::Mat small = random_image(down.rows, down.cols, cn, seed++);
                    for (const float sign : {-1.0f, 1.0f}) {
                        const cv::Mat got = kernel.expand_add(small, image, sign);
                        ASSERT_EQ(got.size(), image.size()) << where;
                        EXPECT_LE(cv::norm(got, expand_add_by_definition(small, image, sign, a), cv::NORM_INF), 4e-6)
                            << where << ", sign " << sign;
                    }
                }
    }
}

TEST(PyramidKernel, BandAtSinglePixelsIsTheBandsBits) {
    // The consistency pass computes the band only where the cleaned choice names another frame
    // (band_at): it must be the very value the whole band has there, or the result would change.
    int seed = 100;
    for (const double a : {0.4, 0.3})
        for (const cv::Size size : {cv::Size(1, 1), cv::Size(2, 3), cv::Size(5, 4), cv::Size(41, 33), cv::Size(64, 7)})
            for (int cn = 1; cn <= 4; ++cn) {
                const PyramidKernel kernel(a);
                const cv::Mat fine = random_image(size.height, size.width, cn, seed++);
                const cv::Mat coarse = kernel.reduce(fine);
                const cv::Mat band = kernel.expand_add(coarse, fine, -1.0f);
                std::vector<std::uint32_t> every(size.area());
                for (size_t i = 0; i < every.size(); ++i) every[i] = static_cast<std::uint32_t>(i);
                cv::Mat got(fine.size(), fine.type(), cv::Scalar::all(7.0));
                kernel.band_at(fine, coarse, every.data(), every.size(), got);
                EXPECT_EQ(cv::norm(got, band, cv::NORM_INF), 0.0) << size << " x " << cn << ", a " << a;
                // Only the pixels named are written.
                cv::Mat some(fine.size(), fine.type(), cv::Scalar::all(7.0));
                const std::uint32_t last = static_cast<std::uint32_t>(size.area() - 1);
                kernel.band_at(fine, coarse, &last, 1, some);
                const int lx = size.width - 1, ly = size.height - 1;
                EXPECT_EQ(cv::norm(some(cv::Rect(lx, ly, 1, 1)), band(cv::Rect(lx, ly, 1, 1)), cv::NORM_INF), 0.0);
                some(cv::Rect(lx, ly, 1, 1)).setTo(cv::Scalar::all(7.0));
                EXPECT_EQ(cv::countNonZero(some.reshape(1) != 7.0f), 0) << size << " x " << cn;
            }
}

TEST(PyramidKernel, CollapseGivesTheImageBack) {
    for (const cv::Size size : {cv::Size(257, 131), cv::Size(64, 64), cv::Size(5, 200)}) {
        const cv::Mat image = random_image(size.height, size.width, 3, size.width);
        const PyramidKernel kernel(0.4);
        const std::vector<cv::Mat> pyr = kernel.laplacian(image, pyramid_levels(size, 2));
        EXPECT_GT(pyr.size(), 1u);
        EXPECT_LE(cv::norm(kernel.collapse(pyr), image, cv::NORM_INF), 1e-5) << size;
    }
}

}  // namespace
}  // namespace fstack
