// SPDX-License-Identifier: GPL-3.0-or-later
// The banded median of an index map (median_map.hpp).
#include "stackers/median_map.hpp"

#include <algorithm>
#include <cstdint>

#include <opencv2/imgproc.hpp>

namespace fstack {

cv::Range median_band(int b, int bands, int h) {
    return cv::Range(int(std::int64_t(b) * h / bands), int(std::int64_t(b + 1) * h / bands));
}

void median_map(const cv::Mat& raw, cv::Mat& out, int k, bool eight_bit, const std::function<void(int)>& bands_of,
                const std::function<void(int, const cv::Range&)>& done) {
    CV_Assert(raw.type() == CV_16U && k >= 3 && (k & 1) && (eight_bit || k <= 5) && out.data != raw.data);
    const int h = raw.rows, reach = k / 2;
    out.create(raw.size(), CV_16U);
    // Bands of at least 32 rows and 4 windows: the reach read twice stays a small share.
    const int bands = std::max(1, std::min(h / std::max(32, 4 * k), 16));
    if (bands_of) bands_of(bands);
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& r) {
        for (int b = r.start; b < r.end; ++b) {
            const cv::Range rows = median_band(b, bands, h);
            const int a0 = std::max(0, rows.start - reach), a1 = std::min(h, rows.end + reach);
            cv::Mat m;
            if (eight_bit) {
                raw.rowRange(a0, a1).convertTo(m, CV_8U);
                cv::medianBlur(m, m, k);
                m.rowRange(rows.start - a0, rows.end - a0).convertTo(out.rowRange(rows), CV_16U);
            } else {
                cv::medianBlur(raw.rowRange(a0, a1).clone(), m, k);
                m.rowRange(rows.start - a0, rows.end - a0).copyTo(out.rowRange(rows));
            }
            if (done) done(b, rows);
        }
    });
}

}  // namespace fstack
