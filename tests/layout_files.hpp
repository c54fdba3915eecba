// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Image files in the layouts the format libraries can write (libtiff, libpng, libjpeg directly,
// not core's code), and read-backs by the same libraries that count their warnings.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::test {

enum class TiffColour { Grey, GreyAlpha, Rgb, Rgba, Cmyk, Palette, MinIsWhite };

struct TiffLayout {
    TiffColour colour = TiffColour::Rgb;
    int bits = 8;               // 1, 8, 12, 16, 32
    bool separate = false;      // planar configuration 2
    bool is_signed = false;     // sample format 2: values stored as v - 2^(bits-1)
    bool is_float = false;      // sample format 3 (32-bit): values stored as v / 65535
    bool associated = false;    // premultiplied alpha
    bool tiled = false;
    bool big = false;           // BigTIFF
    bool icc = false;           // an sRGB (grey: grey) profile, made by LittleCMS
    bool extra_samples_tag = true;  // alpha declared by ExtraSamples (OpenCV's writer leaves it out)
    int compression = 1;        // COMPRESSION_NONE; 8: deflate, 5: LZW
    std::string name() const;
};

// Writes `pixels` (grey, or BGR(A), CV_8U or CV_16U; the layout's colour decides what is used:
// grey takes channel 0, CMYK ink = max - R, G, B with K = 0, a palette maps 8-bit values v to
// the colour (v, 255 - v, v / 2)) in the layout. Returns what a correct reader decodes: grey,
// BGR or BGRA (grey+alpha as BGRA), CV_8U for 1 and 8 bits, CV_16U for 16-bit and float.
cv::Mat write_tiff_layout(const std::filesystem::path& path, const cv::Mat& pixels, const TiffLayout& layout);

// Grey+alpha PNG (colour type 4), 8 or 16-bit, from 2-channel pixels (grey, alpha), by libpng.
void write_grey_alpha_png(const std::filesystem::path& path, const cv::Mat& grey_alpha);

// CMYK JPEG by libjpeg (Adobe convention: inverted ink), optionally with an ICC profile.
void write_cmyk_jpeg(const std::filesystem::path& path, const cv::Mat& cmyk, const std::vector<unsigned char>& icc);

// Profiles made by LittleCMS: sRGB, and a CMYK output profile whose ink is far from naive (its
// colours come out lighter and with cyan tinted towards green), to tell a colour-managed
// conversion from the (1-C)(1-K) rule.
std::vector<unsigned char> srgb_profile();
std::vector<unsigned char> cmyk_test_profile();
// What that CMYK profile makes of 8-bit ink c, m, y, k (0 = none), as sRGB BGR, by LittleCMS.
cv::Vec3b cmyk_test_profile_colour(int c, int m, int y, int k);

// Every warning and error the library printed while reading the whole file (pixels included).
struct ReadBack {
    std::vector<std::string> warnings;
    bool ok = false;
    int channels = 0, bits = 0;
    uint16_t extra_samples = 0;  // TIFF: the first ExtraSamples value, 0 none
    bool has_extra_samples = false;
    std::string icc_name;        // PNG: iCCP profile name
    std::vector<unsigned char> icc;
    int pages = 0;               // TIFF directories
};
ReadBack read_tiff_strictly(const std::filesystem::path& path);
ReadBack read_png_strictly(const std::filesystem::path& path);
ReadBack read_jpeg_strictly(const std::filesystem::path& path);

}  // namespace fstack::test
