// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The sRGB transfer curve (IEC 61966-2-1), on values in [0, 1]: code value to linear light and back,
// and the host tables that convert whole frames cheaply.
#include <math.h>

#include <algorithm>
#include <vector>

#include "fstack/kernels/hd.hpp"

namespace fstack::kernels {

FSTACK_HD double srgb_decode(double v) { return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
FSTACK_HD double srgb_encode(double v) { return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055; }

// Code value to linear light, one entry a code value (256 or 65536 levels).
inline std::vector<float> srgb_decode_table(int levels) {
    std::vector<float> t(static_cast<size_t>(levels));
    for (int i = 0; i < levels; ++i) t[size_t(i)] = float(srgb_decode(double(i) / (levels - 1)));
    return t;
}

// Linear light in [0, 1] to code values in [0, 1] by a 65536-step table with linear
// interpolation: the error stays below 1e-6 of full scale, far below one 16-bit code value, so
// encoding a decoded code value returns it.
class SrgbEncoder {
public:
    SrgbEncoder() : table_(kSteps + 2) {
        for (int i = 0; i <= kSteps + 1; ++i) table_[size_t(i)] = float(srgb_encode(std::min(1.0, double(i) / kSteps)));
    }
    float operator()(float linear) const {
        const float x = std::clamp(linear, 0.0f, 1.0f) * kSteps;
        const int i = static_cast<int>(x);
        const float t = x - float(i);
        return table_[size_t(i)] + t * (table_[size_t(i) + 1] - table_[size_t(i)]);
    }

private:
    static constexpr int kSteps = 1 << 16;
    std::vector<float> table_;
};

}  // namespace fstack::kernels
