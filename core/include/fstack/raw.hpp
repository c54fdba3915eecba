// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How camera raw and DNG frames are developed (core/src/io/raw_reader.cpp, through LibRaw).
#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace fstack {

enum class RawWhiteBalance { AsShot, Daylight, Auto };
// Linear: linear light, Rec.709/sRGB primaries (a stack is made in linear light; a 16-bit TIFF
// result gets a linear sRGB ICC profile). Srgb: the same primaries, sRGB-encoded (for 8-bit
// JPEG/PNG results). Auto: Linear when the result is a TIFF, Srgb otherwise (resolve_raw_space).
enum class RawSpace { Auto, Linear, Srgb };

struct RawOptions {
    RawWhiteBalance white_balance = RawWhiteBalance::AsShot;
    // Exposure in stops on top of the fixed scaling (the sensor's white level is full scale;
    // nothing is brightened automatically), the same for every frame.
    double exposure_ev = 0;
    RawSpace space = RawSpace::Auto;
    // The white balance multipliers (R, G, B, G2) applied to every frame. All zero: from
    // `white_balance` (FileFrameSource fills these from its first frame, so that every frame of a
    // stack gets the reference frame's white balance).
    std::array<float, 4> multipliers{};
};

// Auto becomes Linear for a .tif/.tiff result, Srgb for any other; others are kept.
RawSpace resolve_raw_space(RawSpace space, const std::filesystem::path& output);

// Parses "as-shot|daylight|auto" and "linear|srgb|auto"; Error(Usage) naming `what` otherwise.
RawWhiteBalance parse_raw_white_balance(const std::string& text, const std::string& what);
RawSpace parse_raw_space(const std::string& text, const std::string& what);

// An ICC v2 profile of linear-light sRGB (sRGB primaries, D65, gamma 1.0), made with lcms2.
const std::vector<unsigned char>& linear_srgb_icc_profile();

}  // namespace fstack
