// SPDX-License-Identifier: GPL-3.0-or-later
// split_into_stacks: consecutive groups in natural order, leftover frames, a stack size below one.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "focus_stacker_test_support.hpp"
#include "fstack/error.hpp"
#include "fstack/progress.hpp"
#include "fstack/split_into_stacks.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::focus_stacker;

// ---------------------------------------------------------------------------------------------
// split_into_stacks

std::vector<fs::path> scan_names(int count) {
    std::vector<fs::path> paths;
    for (int i = 1; i <= count; ++i) paths.push_back(fs::path("run") / ("scan_" + std::to_string(i) + ".jpg"));
    return paths;
}

class CollectWarnings : public fstack::Progress {
public:
    void log(fstack::LogLevel level, const std::string& message) override {
        if (level == fstack::LogLevel::Warning) warnings.push_back(message);
    }
    std::vector<std::string> warnings;
};

TEST(SplitIntoStacks, ConsecutiveGroupsInNaturalOrder) {
    const auto ordered = scan_names(24);
    auto shuffled = ordered;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
    const auto stacks = fstack::split_into_stacks(shuffled, 8);
    ASSERT_EQ(stacks.size(), 3u);
    for (size_t s = 0; s < 3; ++s) {
        ASSERT_EQ(stacks[s].size(), 8u);
        for (size_t i = 0; i < 8; ++i) EXPECT_EQ(stacks[s][i], ordered[s * 8 + i]) << s << "/" << i;
    }
    // "scan_10" after "scan_9", not after "scan_1".
    EXPECT_EQ(stacks[1][1].filename(), "scan_10.jpg");

    const auto singles = fstack::split_into_stacks(ordered, 1);
    EXPECT_EQ(singles.size(), 24u);
    EXPECT_TRUE(fstack::split_into_stacks({}, 8).empty());
    const auto whole = fstack::split_into_stacks(ordered, 24);
    ASSERT_EQ(whole.size(), 1u);
    EXPECT_EQ(whole[0], ordered);
}

TEST(SplitIntoStacks, LeftoverFramesAreAnErrorUnlessKept) {
    const auto paths = scan_names(19);
    const Error e = expect_error([&] { fstack::split_into_stacks(paths, 8); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "19")) << e.what();
    EXPECT_TRUE(contains(e.file(), "scan_17.jpg")) << e.file();  // the first frame left over

    CollectWarnings progress;
    const auto stacks = fstack::split_into_stacks(paths, 8, true, progress);
    ASSERT_EQ(stacks.size(), 3u);
    EXPECT_EQ(stacks[2].size(), 3u);
    EXPECT_EQ(stacks[2][0].filename(), "scan_17.jpg");
    ASSERT_EQ(progress.warnings.size(), 1u);
    EXPECT_TRUE(contains(progress.warnings[0], "3 frames")) << progress.warnings[0];
}

TEST(SplitIntoStacks, StackSizeBelowOneIsAUsageError) {
    EXPECT_EQ(expect_error([] { fstack::split_into_stacks(scan_names(4), 0); }).kind(), ErrorKind::Usage);
    EXPECT_EQ(expect_error([] { fstack::split_into_stacks(scan_names(4), -2); }).kind(), ErrorKind::Usage);
}

}  // namespace
