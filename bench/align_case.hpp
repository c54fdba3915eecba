// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// fstack_bench --align: the cost and the accuracy of the default alignment (issue 12) on a
// stack rendered with known warps (tests/synthetic/warped.hpp), measured against `fstack stack
// --align none` in the same run. See README.md.
#include <filesystem>
#include <string>

namespace fstack::bench {

struct AlignCaseOptions {
    int width = 4000, height = 3000, frames = 15;
    unsigned seed = 1;
    double breathing = 0.02;        // scale of the end frames: 1 -/+ breathing
    double max_shift = 30;          // pixels, each axis
    double max_rotation_deg = 0.5;
    double max_gain = 0.06;
    double max_blur = -1;           // Gaussian sigma for the full depth range; < 0: 0.6% of the long side
    double noise = 1;               // 8-bit units
    bool with_rigid = false;        // also time `--align rigid`
    int repeat = 1;                 // runs of each timed row; the medians are reported
    std::string cli;                // the fstack executable
};

// Renders the stack as JPEG q95 into `dir`, runs and prints every row; returns the exit status
// (0, or 1 when a run failed).
int run_align_case(const AlignCaseOptions& options, const std::filesystem::path& dir);

}  // namespace fstack::bench
