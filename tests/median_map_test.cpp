// SPDX-License-Identifier: GPL-3.0-or-later
// The banded median of an index map (core/src/stackers/median_map.hpp) against cv::medianBlur
// on the whole map: the pyramid's consistency pass and the depth-map stacker's cleaned map rely
// on it giving the same values on any number of threads.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "stackers/median_map.hpp"

namespace {

// An index map like a stacker's: patches of one frame with speckle of others.
cv::Mat index_map(int w, int h, int frames, unsigned seed) {
    cv::RNG rng(seed);
    cv::Mat coarse(h / 16 + 1, w / 16 + 1, CV_16U);
    rng.fill(coarse, cv::RNG::UNIFORM, 0, frames);
    cv::Mat map;
    cv::resize(coarse, map, cv::Size(w, h), 0, 0, cv::INTER_NEAREST);
    for (int i = 0; i < w * h / 5; ++i)
        map.at<unsigned short>(rng.uniform(0, h), rng.uniform(0, w)) = static_cast<unsigned short>(rng.uniform(0, frames));
    return map;
}

cv::Mat whole_median(const cv::Mat& map, int k, bool eight_bit) {
    cv::Mat m;
    if (!eight_bit) {
        cv::medianBlur(map, m, k);
        return m;
    }
    map.convertTo(m, CV_8U);
    cv::medianBlur(m, m, k);
    m.convertTo(m, CV_16U);
    return m;
}

int differing(const cv::Mat& a, const cv::Mat& b) { return cv::countNonZero(a != b); }

}  // namespace

TEST(MedianMap, EveryBandMatchesTheWholeMapsMedian) {
    struct Case {
        int w, h, k, frames;
        bool eight_bit;
    };
    // Heights that make 1, several and 16 bands, windows of the pyramid (5) and of the depth-map
    // stacker (its default 17, larger ones), indices past 255 through the 16-bit median.
    const std::vector<Case> cases = {{300, 40, 5, 12, true},    {640, 517, 5, 12, true},  {700, 1300, 5, 200, true},
                                     {640, 517, 17, 30, true},  {500, 999, 31, 9, true},  {400, 2100, 101, 40, true},
                                     {640, 517, 5, 900, false}, {333, 701, 3, 70000, false}, {640, 90, 255, 20, true}};
    unsigned seed = 1;
    for (const Case& c : cases) {
        const std::string what = std::to_string(c.w) + "x" + std::to_string(c.h) + " k " + std::to_string(c.k) +
                                 (c.eight_bit ? " 8-bit" : " 16-bit");
        const cv::Mat map = index_map(c.w, c.h, c.frames, seed++);
        const cv::Mat expected = whole_median(map, c.k, c.eight_bit);
        int bands = 0;
        std::atomic<int> done_rows{0};
        cv::Mat out;
        fstack::median_map(map, out, c.k, c.eight_bit, [&](int n) { bands = n; },
                           [&](int, const cv::Range& rows) { done_rows += rows.size(); });
        ASSERT_EQ(out.type(), CV_16U) << what;
        EXPECT_EQ(differing(out, expected), 0) << what << " in " << bands << " bands";
        EXPECT_EQ(done_rows.load(), c.h) << what;  // every row in exactly one band
        EXPECT_GE(bands, 1) << what;
        if (c.h >= 1000 && c.k <= 31) {
            EXPECT_GT(bands, 1) << what;
        }
        // The median changed something: a map the median leaves alone would check nothing.
        EXPECT_GT(differing(map, expected), 0) << what;
    }
}
