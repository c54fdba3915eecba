// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// babl format names for moving pixels between GIMP layers and cv::Mat without conversion.
// GIMP 2.10 and 3.0 number their GimpPrecision values alike: hundreds give the component type
// (1 u8, 2 u16, 3 u32, 5 half, 6 float, 7 double), the rest the tone curve (0 linear,
// 50 non-linear, 75 perceptual). Reading with the image's own curve (and, in the host, its own
// colour space) hands the stacker the stored values, as `fstack stack` gets a file's.
#include <string>

#include <opencv2/core.hpp>

namespace fstack::gimp {

// "" (linear), "'" (non-linear: the space's curve) or "~" (perceptual: sRGB's curve).
inline const char* trc_of_precision(int precision) {
    switch (precision % 100) {
    case 0: return "";
    case 75: return "~";
    default: return "'";
    }
}

// Integer 8-bit images stack at 8 bits; every deeper precision at 16.
inline bool precision_is_8bit(int precision) { return precision / 100 == 1; }
inline bool precision_is_float(int precision) { return precision / 100 >= 5; }

// E.g. babl_name(4, CV_16U, "'") == "R'G'B'A u16"; channels 1/2 are grey (Y, YA).
inline std::string babl_name(int channels, int depth, const char* trc) {
    const std::string t = trc;
    std::string model = channels <= 2 ? "Y" + t : "R" + t + "G" + t + "B" + t;
    if (channels == 2 || channels == 4) model += "A";
    const char* type = depth == CV_8U ? " u8" : depth == CV_16U ? " u16" : " float";
    return model + type;
}

}  // namespace fstack::gimp
