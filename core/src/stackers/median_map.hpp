// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The median of an index map (CV_16U frame indices) in row bands on OpenCV's threads: the
// values of cv::medianBlur on the whole map, each band from its rows and the window's reach
// either side (at the map's edges, the replicated rows the whole map's median sees). Used by the
// pyramid's consistency pass and depth map, and the depth-map stacker's cleaned index map.
#include <functional>

#include <opencv2/core.hpp>

namespace fstack {

// Band b of `bands` row bands of a map `h` rows high.
cv::Range median_band(int b, int bands, int h);

// The k x k median (k odd, 3 or more) of `raw` into `out` (CV_16U, not raw). eight_bit: through
// 8 bits (every index below 256), OpenCV's faster median and the only one past 5x5, so k > 5
// needs it. bands_of(n) is told how many bands there are, then done(b, rows) is called on each
// band's thread once its rows of `out` are final.
void median_map(const cv::Mat& raw, cv::Mat& out, int k, bool eight_bit,
                const std::function<void(int)>& bands_of = {},
                const std::function<void(int, const cv::Range&)>& done = {});

}  // namespace fstack
