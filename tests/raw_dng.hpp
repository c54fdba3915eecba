// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Synthetic DNG files written with libtiff: a Bayer mosaic of a known linear-light scene as a
// made-up camera with a known colour matrix would record it, with the tags LibRaw needs.
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

namespace fstack::test {

// The synthetic camera's response: camera (R, G, B) = kCameraFromSrgb * linear sRGB (R, G, B).
// Its rows sum to (0.8, 1, 0.6): white light gives that raw colour, so the camera neutral is
// (0.8, 1, 0.6) and developing with it gives the scene back.
extern const cv::Matx33d kCameraFromSrgb;

struct DngOptions {
    int bits = 16;       // 12, 14 or 16 bits per sample (12 and 14 packed MSB-first); width % 8 == 0
    bool bggr = false;   // Bayer BGGR instead of RGGB
    int black = 0;       // BlackLevel; the white level is 2^bits - 1
    // AsShotNeutral (R, G, B); 0: the camera neutral (0.8, 1, 0.6).
    cv::Vec3d as_shot_neutral{0, 0, 0};
    std::string model = "Synthetic";
    // The Compression tag written (the data stays uncompressed): another value makes a DNG that
    // LibRaw does not support.
    int compression = 1;
};

// Writes `linear_bgr` (CV_32FC3 or CV_64FC3, BGR, linear light, 1 = the white level; more is
// clipped at the white level as a sensor does) as a DNG mosaic. Fails the test (ADD_FAILURE) if
// libtiff cannot write it.
void write_dng(const std::filesystem::path& path, const cv::Mat& linear_bgr, const DngOptions& options = {});

// Damages a DNG written by write_dng as a copy cut short would, keeping its directory: the
// strip is made to start 100 bytes before the end of the file (its data then runs past it).
void cut_dng_strip(const std::filesystem::path& path);

// sRGB-encoded BGR (CV_8U or CV_16U) to linear light, CV_32FC3.
cv::Mat srgb_to_linear(const cv::Mat& bgr);

}  // namespace fstack::test
