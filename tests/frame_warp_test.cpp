// SPDX-License-Identifier: GPL-3.0-or-later
// The two-pass cubic warp (warp_affine_cubic) that AlignFrames' replays and analysis use:
// against a band-limited image known in closed form (its warped truth computed, not
// resampled), against cv::warpAffine, on integer shifts, its coverage mask, and the maps it
// leaves to OpenCV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ostream>
#include <string>

#include <opencv2/imgproc.hpp>

#include "actions/align/frame_warp.hpp"

namespace fstack {
namespace {

// A smooth image known everywhere: a few sinusoids (periods 7 to 40 px) per channel, in
// [0.1, 0.9] of the full scale.
double pattern(double x, double y, int ch) {
    const double p = 0.7 * ch;
    return 0.5 + 0.16 * std::sin(2 * CV_PI * (x / 9.0 + y / 23.0) + p) + 0.12 * std::cos(2 * CV_PI * (x / 31.0 - y / 7.3) + 2 * p) +
           0.1 * std::sin(2 * CV_PI * (y / 17.0) + 0.3 * p) * std::cos(2 * CV_PI * x / 40.0);
}

double full_scale(int depth) { return depth == CV_8U ? 255.0 : depth == CV_16U ? 65535.0 : 1.0; }

// `m` maps frame pixels to reference pixels; truth = the pattern at m^-1 of each pixel.
cv::Mat render(cv::Size size, int type, const cv::Matx33d* m) {
    const int channels = CV_MAT_CN(type), depth = CV_MAT_DEPTH(type);
    cv::Mat f(size, CV_MAKETYPE(CV_64F, channels));
    const cv::Matx33d inv = m ? m->inv() : cv::Matx33d::eye();
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const cv::Vec3d s = inv * cv::Vec3d(x, y, 1);
            for (int c = 0; c < channels; ++c) f.ptr<double>(y)[x * channels + c] = pattern(s[0], s[1], c);
        }
    cv::Mat out;
    f.convertTo(out, type, full_scale(depth));
    return out;
}

cv::Matx33d rigid(double degrees, double scale, double dx, double dy, cv::Size size) {
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(size.width / 2.0f, size.height / 2.0f), degrees, scale);
    return cv::Matx33d(r.at<double>(0, 0), r.at<double>(0, 1), r.at<double>(0, 2) + dx, r.at<double>(1, 0),
                       r.at<double>(1, 1), r.at<double>(1, 2) + dy, 0, 0, 1);
}

// RMS and largest error against the truth, in units of the full scale, where the source
// position lies 3 px or more inside the frame (the edges are replicated, not known).
std::pair<double, double> error(const cv::Mat& got, const cv::Mat& truth, const cv::Matx33d& m) {
    const cv::Matx33d inv = m.inv();
    const double scale = 1.0 / full_scale(got.depth());
    cv::Mat a, b;
    got.convertTo(a, CV_64F, scale);
    truth.convertTo(b, CV_64F, scale);
    double sum = 0, worst = 0;
    long n = 0;
    for (int y = 0; y < got.rows; ++y)
        for (int x = 0; x < got.cols; ++x) {
            const cv::Vec3d s = inv * cv::Vec3d(x, y, 1);
            if (s[0] < 3 || s[1] < 3 || s[0] > got.cols - 4 || s[1] > got.rows - 4) continue;
            for (int c = 0; c < got.channels(); ++c) {
                const double d = a.ptr<double>(y)[x * got.channels() + c] - b.ptr<double>(y)[x * got.channels() + c];
                sum += d * d;
                worst = std::max(worst, std::abs(d));
                ++n;
            }
        }
    return {std::sqrt(sum / std::max(1L, n)), worst};
}

struct Case {
    int type;
    std::string name;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class WarpAffineCubic : public ::testing::TestWithParam<Case> {};

TEST_P(WarpAffineCubic, IsAsAccurateAsOpenCVsCubicAgainstTheTruth) {
    const cv::Size size(331, 247);
    for (const cv::Matx33d& m : {rigid(0.5, 1.02, 3.3, -2.7, size), rigid(-3.0, 0.97, -11.25, 6.6, size),
                                 rigid(12.0, 1.0, 0.4, 0.1, size)}) {
        const cv::Mat src = render(size, GetParam().type, nullptr), truth = render(size, GetParam().type, &m);
        cv::Mat ours, cv_out;
        int uncovered = 0;
        ASSERT_TRUE(warp_affine_cubic(src, m, ours, nullptr, uncovered));
        ASSERT_EQ(ours.type(), src.type());
        cv::warpAffine(src, cv_out, cv::Mat(m).rowRange(0, 2), size, cv::INTER_CUBIC, cv::BORDER_REPLICATE);
        const auto [rms, worst] = error(ours, truth, m);
        const auto [cv_rms, cv_worst] = error(cv_out, truth, m);
        SCOPED_TRACE(GetParam().name + ": ours rms " + std::to_string(rms) + " worst " + std::to_string(worst) +
                     ", OpenCV rms " + std::to_string(cv_rms) + " worst " + std::to_string(cv_worst));
        // 8-bit: both are at the rounding floor; elsewhere exact positions beat OpenCV's 1/32 px.
        EXPECT_LE(rms, cv_rms * 1.05 + 1e-4);
        EXPECT_LE(worst, cv_worst * 1.2 + 2.5e-3);
        EXPECT_LT(rms, 0.006);  // the 7.3 px period is near the limit of a cubic kernel
        // The SSE2 build (any x86-64 processor) gives the same pixels within a level.
        cv::Mat portable;
        ASSERT_TRUE(warp_affine_cubic(src, m, portable, nullptr, uncovered, true));
        EXPECT_LE(cv::norm(portable, ours, cv::NORM_INF), src.depth() == CV_32F ? 1e-5 : 1.0);
    }
}

TEST_P(WarpAffineCubic, IntegerShiftsMoveThePixelsExactly) {
    const cv::Size size(120, 90);
    const cv::Mat src = render(size, GetParam().type, nullptr);
    const cv::Matx33d m(1, 0, 5, 0, 1, -3, 0, 0, 1);
    cv::Mat out;
    int uncovered = 0;
    ASSERT_TRUE(warp_affine_cubic(src, m, out, nullptr, uncovered));
    const cv::Mat moved = out(cv::Rect(5, 0, size.width - 5, size.height - 3));
    const cv::Mat from = src(cv::Rect(0, 3, size.width - 5, size.height - 3));
    EXPECT_EQ(cv::norm(moved, from, cv::NORM_INF), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Types, WarpAffineCubic,
                         ::testing::Values(Case{CV_8UC1, "8-bit grey"}, Case{CV_8UC3, "8-bit RGB"},
                                           Case{CV_8UC4, "8-bit RGBA"}, Case{CV_16UC1, "16-bit grey"},
                                           Case{CV_16UC3, "16-bit RGB"}, Case{CV_32FC1, "float grey"},
                                           Case{CV_32FC3, "float RGB"}, Case{CV_8UC2, "8-bit grey+alpha"}),
                         [](const auto& info) {
                             std::string n = info.param.name;
                             for (char& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(WarpAffineCubicCoverage, MatchesANearestNeighbourWarpOfTheFrameBarTheEdgePixels) {
    const cv::Size size(301, 203);
    const cv::Mat src(size, CV_8UC3, cv::Scalar(10, 20, 30));
    for (const cv::Matx33d& m : {rigid(0.7, 1.03, 14.2, -9.6, size), rigid(-1.0, 0.97, -20.5, 17.25, size),
                                 rigid(0.0, 1.0, 0.0, 0.0, size), rigid(0.0, 1.0, 400.0, 0.0, size)}) {
        cv::Mat out, covered;
        int uncovered = -1;
        ASSERT_TRUE(warp_affine_cubic(src, m, out, &covered, uncovered));
        EXPECT_EQ(uncovered, static_cast<int>(covered.total()) - cv::countNonZero(covered));
        const cv::Mat ones(size, CV_8U, cv::Scalar(255));
        cv::Mat nearest;
        cv::warpAffine(ones, nearest, cv::Mat(m).rowRange(0, 2), size, cv::INTER_NEAREST, cv::BORDER_CONSTANT, 0);
        cv::Mat differ;
        cv::compare(covered, nearest, differ, cv::CMP_NE);
        // Only where the source position lies on a pixel edge (OpenCV rounds it to 1/1024 px).
        EXPECT_LE(cv::countNonZero(differ), (size.width + size.height) / 20);
    }
}

TEST(WarpAffineCubicCoverage, LeavesOtherMapsToOpenCV) {
    const cv::Size size(64, 48);
    const cv::Mat src(size, CV_8UC3, cv::Scalar(1, 2, 3));
    cv::Mat out;
    int uncovered = 0;
    EXPECT_FALSE(warp_affine_cubic(src, rigid(30.0, 1.0, 0, 0, size), out, nullptr, uncovered));
    EXPECT_FALSE(warp_affine_cubic(src, cv::Matx33d(1, 0, 0, 0, 1, 0, 1e-4, 0, 1), out, nullptr, uncovered));
    EXPECT_FALSE(warp_affine_cubic(cv::Mat(size, CV_64FC1, cv::Scalar(0)), cv::Matx33d::eye(), out, nullptr, uncovered));
    EXPECT_FALSE(warp_affine_cubic(cv::Mat(size, CV_8UC(5), cv::Scalar(0)), cv::Matx33d::eye(), out, nullptr, uncovered));
    EXPECT_TRUE(out.empty());
    // Past 20 degrees warp_frame is OpenCV's own cubic warp.
    const cv::Mat textured = render(size, CV_8UC3, nullptr);
    const cv::Matx33d m = rigid(30.0, 1.0, 0.5, 0, size);
    AlignmentConfig config;
    config.border_mode = BorderMode::Replicate;
    cv::Mat expected;
    cv::warpAffine(textured, expected, cv::Mat(m).rowRange(0, 2), size, cv::INTER_CUBIC, cv::BORDER_REPLICATE);
    EXPECT_EQ(cv::norm(warp_frame(textured, m, config), expected, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace fstack
