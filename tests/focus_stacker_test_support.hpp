// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the FocusStacker tests (tests/focus_stacker_*_test.cpp, split_into_stacks_test.cpp)
// share: the synthetic stack with a known answer they measure against and the depth map's
// agreement with the ideal one, on top of stacker_test_support.hpp's.
//
// Floors in those tests are set about 1 dB under what was measured when the test was written
// (GCC 12, OpenCV 4.6, x86-64), so that they catch regressions without flapping; the measured
// values are in the comments and printed by each test (RecordProperty).
#include <filesystem>

#include <opencv2/core.hpp>

#include "fstack/focus_stacker.hpp"
#include "stacker_test_support.hpp"
#include "test_util.hpp"

namespace fstack::test::focus_stacker {

// What every test of the subject names without qualification (`using namespace
// fstack::test::focus_stacker;`): the stacking tests' names (stacker_test_support.hpp) and these.
using namespace fstack::test::stacking;
using fstack::FocusStacker;
using fstack::test::TempDir;
namespace fs = std::filesystem;

// 640x480, 8 frames: the size of synth.py's small preset. Cached per depth: several tests of
// one process share it.
inline const SyntheticStack& stack(bool sixteen_bit) { return scene_stack(640, 480, 8, 1, sixteen_bit); }

// Share of pixels (inside a 3% border crop) whose frame index is within `tolerance` of `ideal`.
inline double index_agreement(const cv::Mat& depth_map, const cv::Mat& ideal, int tolerance = 1) {
    const int bx = ideal.cols * 3 / 100, by = ideal.rows * 3 / 100;
    return agreement_inside(depth_map, ideal, tolerance, bx, by);
}

}  // namespace fstack::test::focus_stacker
