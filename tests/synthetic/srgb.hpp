// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// sRGB transfer curve, internal to fstack_synthetic. Lens blur mixes light, so the renderer
// works in linear light; tables keep the 12-megapixel conversions cheap.
#include <algorithm>
#include <cmath>
#include <vector>

namespace fstack::synth::detail {

inline double srgb_to_linear(double v) {
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

inline double linear_to_srgb(double v) {
    return v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
}

// Decode table indexed by code value (256 or 65536 entries).
inline std::vector<float> decode_table(int levels) {
    std::vector<float> t(levels);
    for (int i = 0; i < levels; ++i) t[i] = float(srgb_to_linear(double(i) / (levels - 1)));
    return t;
}

// Linear [0, 1] -> sRGB [0, 1] by a 65536-step table with linear interpolation: the error is
// far below one 16-bit code value, so encode(decode(v)) returns v.
class Encoder {
public:
    Encoder() : table_(kSteps + 2) {
        for (int i = 0; i <= kSteps + 1; ++i)
            table_[i] = float(linear_to_srgb(std::min(1.0, double(i) / kSteps)));
    }
    float operator()(float v) const {
        float x = std::clamp(v, 0.f, 1.f) * kSteps;
        int i = int(x);
        float t = x - float(i);
        return table_[i] + t * (table_[i + 1] - table_[i]);
    }

private:
    static constexpr int kSteps = 65536;
    std::vector<float> table_;
};

}  // namespace fstack::synth::detail
