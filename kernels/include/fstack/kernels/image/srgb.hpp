// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The sRGB transfer curve (IEC 61966-2-1), on values in [0, 1]: code value to linear light and back.
#include <math.h>

#include "fstack/kernels/hd.hpp"

namespace fstack::kernels {

FSTACK_HD double srgb_decode(double v) { return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
FSTACK_HD double srgb_encode(double v) { return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055; }

}  // namespace fstack::kernels
