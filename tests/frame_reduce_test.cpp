// SPDX-License-Identifier: GPL-3.0-or-later
// The analysing pass's reduced copies (reduce_linear): block means in linear light, against the
// sRGB curve computed here, on sizes that leave partial blocks, with alpha, 8- and 16-bit.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <opencv2/core.hpp>

#include "actions/frame_reduce.hpp"
#include "fstack/error.hpp"

namespace fstack {
namespace {

double decode(double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); }
double encode(double v) { return v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055; }

TEST(ReduceLinear, ACheckerboardKeepsItsLight) {
    // Black and white pixels in turn: half the light, code value 187.5, not the 127.5 that
    // averaging code values gives (a sharp frame would come out darker than its blurred twin).
    cv::Mat board(8, 12, CV_8UC1);
    for (int y = 0; y < board.rows; ++y)
        for (int x = 0; x < board.cols; ++x) board.at<unsigned char>(y, x) = (x + y) % 2 ? 255 : 0;
    const cv::Mat r = reduce_linear(board, 2);
    ASSERT_EQ(r.type(), CV_32FC1);
    ASSERT_EQ(r.size(), cv::Size(6, 4));
    for (int y = 0; y < r.rows; ++y)
        for (int x = 0; x < r.cols; ++x) EXPECT_NEAR(r.at<float>(y, x), 255 * encode(0.5), 1e-3) << x << "," << y;
}

TEST(ReduceLinear, UniformFramesStayAsTheyAre) {
    for (const int v : {0, 1, 10, 128, 254, 255}) {
        const cv::Mat r = reduce_linear(cv::Mat(9, 9, CV_8UC3, cv::Scalar(v, v, v)), 4);
        ASSERT_EQ(r.size(), cv::Size(2, 2));
        double lo, hi;
        cv::minMaxLoc(r.reshape(1), &lo, &hi);
        EXPECT_NEAR(lo, v, 2e-3);
        EXPECT_NEAR(hi, v, 2e-3);
    }
}

template <typename T>
void expect_block_means(int channels, int factor, cv::Size size) {
    cv::Mat frame(size, CV_MAKETYPE(cv::DataType<T>::depth, channels));
    cv::RNG rng(channels * 100 + factor);
    rng.fill(frame, cv::RNG::UNIFORM, 0, double(T(~T(0))) + 1);
    const double max = double(T(~T(0)));
    const cv::Mat r = reduce_linear(frame, factor);
    ASSERT_EQ(r.type(), CV_MAKETYPE(CV_32F, channels));
    ASSERT_EQ(r.size(), cv::Size(size.width / factor, size.height / factor));
    const bool alpha = channels == 2 || channels == 4;
    double worst = 0;
    for (int y = 0; y < r.rows; ++y)
        for (int x = 0; x < r.cols; ++x)
            for (int c = 0; c < channels; ++c) {
                const bool is_alpha = alpha && c == channels - 1;
                double sum = 0;
                for (int dy = 0; dy < factor; ++dy)
                    for (int dx = 0; dx < factor; ++dx) {
                        const double v = frame.ptr<T>(y * factor + dy)[(x * factor + dx) * channels + c];
                        sum += is_alpha ? v : decode(v / max);
                    }
                const double mean = sum / (factor * factor);
                const double want = is_alpha ? mean : max * encode(mean);
                worst = std::max(worst, std::abs(r.ptr<float>(y)[x * channels + c] - want) / max);
            }
    EXPECT_LT(worst, 2e-6) << channels << " channels, factor " << factor;
}

TEST(ReduceLinear, BlockMeansInLinearLight8Bit) {
    expect_block_means<unsigned char>(1, 2, {31, 20});
    expect_block_means<unsigned char>(3, 3, {103, 77});
    expect_block_means<unsigned char>(4, 4, {50, 41});
}

TEST(ReduceLinear, BlockMeansInLinearLight16Bit) {
    expect_block_means<unsigned short>(2, 2, {17, 33});
    expect_block_means<unsigned short>(3, 5, {64, 48});
    expect_block_means<unsigned short>(4, 3, {40, 29});
}

TEST(ReduceLinear, FactorBringsTheLongerSideWithinTheLimit) {
    EXPECT_EQ(reduction_factor({4000, 3000}, 1000), 4);
    EXPECT_EQ(reduction_factor({3000, 4001}, 1000), 5);
    EXPECT_EQ(reduction_factor({1000, 800}, 1000), 1);
    EXPECT_EQ(reduction_factor({1001, 800}, 1000), 2);
    EXPECT_EQ(reduction_factor({6000, 4000}, 1000), 6);
    EXPECT_EQ(reduction_factor({6000, 4000}, 0), 1);  // 0: full size
}

TEST(ReduceLinear, RefusesWhatItCannotReduce) {
    try {
        reduce_linear(cv::Mat(8, 8, CV_32FC1, cv::Scalar(0.5)), 2);
        FAIL() << "a float frame was reduced";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("8- or 16-bit"), std::string::npos) << e.what();
    }
    EXPECT_THROW(reduce_linear(cv::Mat(3, 8, CV_8UC1, cv::Scalar(1)), 4), Error);  // fewer rows than a block
}

}  // namespace
}  // namespace fstack
