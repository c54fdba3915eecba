// SPDX-License-Identifier: GPL-3.0-or-later
#include "raw_dng.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "fstack/kernels/image/srgb.hpp"

namespace fstack::test {

const cv::Matx33d kCameraFromSrgb(0.55, 0.20, 0.05,  //
                                  0.20, 0.75, 0.05,  //
                                  0.05, 0.15, 0.40);

namespace {

// LibRaw's (and dcraw's) linear sRGB D65 -> XYZ matrix.
const cv::Matx33d kXyzFromSrgb(0.412453, 0.357580, 0.180423,  //
                               0.212671, 0.715160, 0.072169,  //
                               0.019334, 0.119193, 0.950227);

// MSB-first packing of `bits`-bit samples, each row starting on a byte boundary.
std::vector<unsigned char> pack_row(const std::vector<std::uint16_t>& row, int bits) {
    std::vector<unsigned char> out((row.size() * size_t(bits) + 7) / 8, 0);
    size_t bit = 0;
    for (std::uint16_t v : row) {
        for (int b = bits - 1; b >= 0; --b, ++bit)
            if ((v >> b) & 1) out[bit / 8] |= static_cast<unsigned char>(0x80 >> (bit % 8));
    }
    return out;
}

}  // namespace

void write_dng(const std::filesystem::path& path, const cv::Mat& linear_bgr, const DngOptions& o) {
    cv::Mat scene;
    linear_bgr.convertTo(scene, CV_64FC3);
    const int w = scene.cols, h = scene.rows;
    const double white = std::ldexp(1.0, o.bits) - 1;
    // Which camera channel (0 R, 1 G, 2 B) each site of the 2x2 pattern records.
    const int rggb[4] = {0, 1, 1, 2}, bggr[4] = {2, 1, 1, 0};
    const int* pattern = o.bggr ? bggr : rggb;
    TIFF* tif = TIFFOpen(path.c_str(), "w");
    if (!tif) {
        ADD_FAILURE() << "libtiff cannot create " << path;
        return;
    }
    TIFFSetField(tif, TIFFTAG_SUBFILETYPE, 0);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(w));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(h));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(o.bits));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(1));
    TIFFSetField(tif, TIFFTAG_COMPRESSION, std::uint16_t(o.compression));
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, std::uint16_t(32803));  // CFA
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(h));
    TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    TIFFSetField(tif, TIFFTAG_MAKE, "fstack");
    TIFFSetField(tif, TIFFTAG_MODEL, o.model.c_str());
    const unsigned char version[4] = {1, 4, 0, 0};
    TIFFSetField(tif, TIFFTAG_DNGVERSION, version);
    TIFFSetField(tif, TIFFTAG_UNIQUECAMERAMODEL, ("fstack " + o.model).c_str());
    const std::uint16_t dim[2] = {2, 2};
    TIFFSetField(tif, TIFFTAG_CFAREPEATPATTERNDIM, dim);
    const unsigned char cfa[4] = {static_cast<unsigned char>(pattern[0]), static_cast<unsigned char>(pattern[1]),
                                  static_cast<unsigned char>(pattern[2]), static_cast<unsigned char>(pattern[3])};
    TIFFSetField(tif, TIFFTAG_CFAPATTERN, 4, cfa);
    const float black = float(o.black);
    TIFFSetField(tif, TIFFTAG_BLACKLEVEL, 1, &black);
    const std::uint32_t white_level = std::uint32_t(white);
    TIFFSetField(tif, TIFFTAG_WHITELEVEL, 1, &white_level);
    // ColorMatrix1 maps XYZ to the camera: the camera's response times sRGB from XYZ.
    const cv::Matx33d cm = kCameraFromSrgb * kXyzFromSrgb.inv();
    float cmf[9];
    for (int i = 0; i < 9; ++i) cmf[i] = float(cm.val[i]);
    TIFFSetField(tif, TIFFTAG_COLORMATRIX1, 9, cmf);
    TIFFSetField(tif, TIFFTAG_CALIBRATIONILLUMINANT1, std::uint16_t(21));  // D65
    cv::Vec3d neutral = o.as_shot_neutral;
    if (neutral[0] <= 0) neutral = kCameraFromSrgb * cv::Vec3d(1, 1, 1);
    const float asn[3] = {float(neutral[0]), float(neutral[1]), float(neutral[2])};
    TIFFSetField(tif, TIFFTAG_ASSHOTNEUTRAL, 3, asn);

    const size_t row_bytes = (size_t(w) * size_t(o.bits) + 7) / 8;
    std::vector<unsigned char> strip;
    strip.reserve(row_bytes * size_t(h));
    std::vector<std::uint16_t> row(static_cast<size_t>(w));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const cv::Vec3d& bgr = scene.at<cv::Vec3d>(y, x);
            const cv::Vec3d cam = kCameraFromSrgb * cv::Vec3d(bgr[2], bgr[1], bgr[0]);
            const double v = std::clamp(cam[pattern[(y % 2) * 2 + x % 2]], 0.0, 1.0);
            row[size_t(x)] = static_cast<std::uint16_t>(std::lround(o.black + v * (white - o.black)));
        }
        if (o.bits == 16) {
            for (std::uint16_t v : row) {  // the file's byte order is the machine's (libtiff "w")
                unsigned char b[2];
                std::memcpy(b, &v, 2);
                strip.insert(strip.end(), b, b + 2);
            }
        } else {
            const auto packed = pack_row(row, o.bits);
            strip.insert(strip.end(), packed.begin(), packed.end());
        }
    }
    if (TIFFWriteRawStrip(tif, 0, strip.data(), static_cast<tmsize_t>(strip.size())) < 0 || !TIFFWriteDirectory(tif))
        ADD_FAILURE() << "libtiff cannot write " << path;
    TIFFClose(tif);
}

void cut_dng_strip(const std::filesystem::path& path) {
    // write_dng's file: little-endian classic TIFF, one directory, StripOffsets one LONG inline.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::uint32_t>(std::filesystem::file_size(path));
    unsigned char head[8];
    f.read(reinterpret_cast<char*>(head), 8);
    const std::uint32_t ifd = head[4] | head[5] << 8 | head[6] << 16 | std::uint32_t(head[7]) << 24;
    f.seekg(ifd);
    unsigned char n[2];
    f.read(reinterpret_cast<char*>(n), 2);
    for (int i = 0; i < (n[0] | n[1] << 8); ++i) {
        unsigned char e[12];
        f.seekg(ifd + 2 + 12 * i);
        f.read(reinterpret_cast<char*>(e), 12);
        if ((e[0] | e[1] << 8) != 273) continue;
        const std::uint32_t moved = size - 100;
        const unsigned char v[4] = {static_cast<unsigned char>(moved), static_cast<unsigned char>(moved >> 8),
                                    static_cast<unsigned char>(moved >> 16), static_cast<unsigned char>(moved >> 24)};
        f.seekp(ifd + 2 + 12 * i + 8);
        f.write(reinterpret_cast<const char*>(v), 4);
        if (!f) ADD_FAILURE() << "cannot damage " << path;
        return;
    }
    ADD_FAILURE() << "no StripOffsets in " << path;
}

cv::Mat srgb_to_linear(const cv::Mat& bgr) {
    cv::Mat f;
    bgr.convertTo(f, CV_32FC3, bgr.depth() == CV_16U ? 1.0 / 65535 : 1.0 / 255);
    f.forEach<cv::Vec3f>([](cv::Vec3f& p, const int*) {
        for (int c = 0; c < 3; ++c) p[c] = float(kernels::srgb_decode(p[c]));
    });
    return f;
}

}  // namespace fstack::test
