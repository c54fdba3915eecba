// SPDX-License-Identifier: GPL-3.0-or-later
// bunch_ranges: overlapping bunches over a stack, and the parameters FocusStackBunch refuses.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/job.hpp"
#include "job_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::jobs;

// ---------------------------------------------------------------------------------------------
// bunch_ranges

std::vector<std::pair<int, int>> ranges(int count, int frames, int overlap) {
    std::vector<std::pair<int, int>> out;
    for (const auto& r : fstack::bunch_ranges(count, frames, overlap)) out.emplace_back(r.begin, r.end);
    return out;
}

TEST(BunchRanges, OverlappingBunches) {
    using R = std::vector<std::pair<int, int>>;
    EXPECT_EQ(ranges(10, 4, 1), (R{{0, 4}, {3, 7}, {6, 10}}));
    EXPECT_EQ(ranges(7, 3, 0), (R{{0, 3}, {3, 6}, {6, 7}}));
    EXPECT_EQ(ranges(5, 10, 2), (R{{0, 5}}));
    EXPECT_EQ(ranges(8, 4, 1), (R{{0, 4}, {3, 7}, {6, 8}}));
    EXPECT_EQ(ranges(4, 4, 0), (R{{0, 4}}));
    EXPECT_EQ(ranges(5, 2, 1), (R{{0, 2}, {1, 3}, {2, 4}, {3, 5}}));
    EXPECT_TRUE(ranges(0, 4, 1).empty());
    // Every frame is covered and every bunch after the first starts `overlap` frames back.
    const auto r = ranges(23, 5, 2);
    EXPECT_EQ(r.front().first, 0);
    EXPECT_EQ(r.back().second, 23);
    for (size_t i = 1; i < r.size(); ++i) EXPECT_EQ(r[i].first, r[i - 1].second - 2);
}

TEST(BunchRanges, InvalidParametersAreUsageErrors) {
    for (const auto& [frames, overlap] : std::vector<std::pair<int, int>>{{4, 4}, {4, 5}, {0, 0}, {-1, 0}, {3, -1}}) {
        SCOPED_TRACE(std::to_string(frames) + "," + std::to_string(overlap));
        const int f = frames, o = overlap;  // C++17 lambdas cannot capture structured bindings (clang)
        const Error e = expect_error([f, o] { fstack::bunch_ranges(10, f, o); });
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
    }
    // FocusStackBunch checks at construction, not after the first hours of stacking.
    const Error e = expect_error([] { fstack::FocusStackBunch("b", pyramid(), 3, 3); });
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
}

}  // namespace
