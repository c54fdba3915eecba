// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the tests that stack the synthetic scenes share: stacker_*_test.cpp (namespace
// stacker), focus_stacker_*_test.cpp (focus_stacker_test_support.hpp) and job_*_test.cpp
// (job_test_support.hpp) all build on namespace stacking here: a synthetic stack with a known
// all-in-focus answer (tests/synthetic), rendered once per process, the depth map's agreement
// with the ideal one inside a border crop, and a stacker fed by hand.
//
// Floors in those tests are set about 1 dB (or a few percent) under what was measured when the
// test was written, so that they catch regressions without flapping on compiler or OpenCV
// differences. The measured values are in the comments and printed by each test (RecordProperty).
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/error.hpp"
#include "fstack/stacker.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace fstack::test::stacking {

// What every test of these subjects names without qualification (through `using namespace
// fstack::test::stacker;` and the like).
using fstack::test::report;
using fstack::test::expect_error;
using fstack::test::contains;

using fstack::Error;
using fstack::ErrorKind;
namespace synth = fstack::synth;
using fstack::test::plain_average;
using fstack::test::run_in_memory;
using fstack::test::SyntheticStack;

// A scene of `frames` frames, width x height, from `seed`; cached: several tests of one process
// share it.
inline const SyntheticStack& scene_stack(int width, int height, int frames, unsigned seed, bool sixteen_bit) {
    synth::SceneOptions o;
    o.width = width;
    o.height = height;
    o.frames = frames;
    o.seed = seed;
    o.sixteen_bit = sixteen_bit;
    return fstack::test::cached_stack(o);
}

// Share of pixels (inside a border of bx and by pixels) whose frame index is within `tolerance`
// frames of the ideal one.
inline double agreement_inside(const cv::Mat& depth_map, const cv::Mat& ideal, int tolerance, int bx, int by) {
    return fstack::test::index_agreement(depth_map, ideal, tolerance,
                                         cv::Rect(bx, by, ideal.cols - 2 * bx, ideal.rows - 2 * by));
}

// Feeds the frames by hand, pass by pass, as a GIMP plug-in or a camera tether would.
inline cv::Mat feed_by_hand(fstack::Stacker& stacker, const std::vector<cv::Mat>& frames) {
    stacker.begin(static_cast<int>(frames.size()));
    for (int pass = 0; pass < stacker.passes(); ++pass) {
        stacker.begin_pass(pass);
        for (const cv::Mat& f : frames) stacker.add(f.clone());  // clones: no shared buffers
    }
    return stacker.finish();
}

}  // namespace fstack::test::stacking

namespace fstack::test::stacker {

// What every test of the subject names without qualification (`using namespace fstack::test::stacker;`).
using namespace fstack::test::stacking;

// 480x360, 8 frames: large enough for a 4-level pyramid and real occlusion halos, small enough
// to render and stack in well under a second.
inline const SyntheticStack& stack(bool sixteen_bit) { return scene_stack(480, 360, 8, 11, sixteen_bit); }

// Share of pixels (inside the same 3% border crop as psnr) whose frame index is within
// `tolerance` frames of the ideal one.
inline double index_agreement(const cv::Mat& depth_map, const cv::Mat& ideal, int tolerance = 1) {
    const int bx = static_cast<int>(std::lround(ideal.cols * 0.03)), by = static_cast<int>(std::lround(ideal.rows * 0.03));
    return agreement_inside(depth_map, ideal, tolerance, bx, by);
}

}  // namespace fstack::test::stacker
