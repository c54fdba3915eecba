// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace fstack::bench {

// fstack_bench --warp: times the alignment's full-size warp against cv::warpAffine (cubic) on
// 8-bit grey, 8-bit RGB, 16-bit RGB and float RGB frames of width x height; 0, or 1 if a map
// was not served.
int run_warp_case(int width, int height, int repeat);

}  // namespace fstack::bench
