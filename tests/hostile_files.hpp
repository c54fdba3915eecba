// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Hostile input files made in code, byte by byte: what a half-copied memory card, a scanner's
// sidecars or a crafted download puts in a folder of frames. Shared by the hostile-input CLI
// tests and the fuzzers' seed corpus generator.
#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

namespace fstack::test::hostile {

// An OpenRaster file (a zip) holding `stack_xml` and `layer` as layer.png; false where libzip
// fails. The crafted stack.xml of the ORA tests and the fuzzers' seeds.
bool write_ora(const std::filesystem::path& path, const std::string& stack_xml, const cv::Mat& layer);

// A small textured picture (no flat areas: every encoder has real work to do).
cv::Mat picture(int width, int height, int seed = 1);

std::string encode(const cv::Mat& image, const std::string& ext, int png_compression = 3);

// A JPEG whose scan data is damaged in the middle: an RST marker where none may be.
std::string jpeg_with_corrupt_scan(const std::string& jpeg);
// A JPEG with an APP1 segment holding `payload` right after SOI (where EXIF and its thumbnail go).
std::string jpeg_with_app1(const std::string& jpeg, const std::string& payload);
// What a phone appends after a motion photo's picture: the start of an MP4 (ftyp box, then data).
std::string motion_photo_video(size_t n, unsigned seed);
// A JPEG whose SOF declares this size (the rest of the file unchanged).
std::string jpeg_with_size(const std::string& jpeg, int width, int height);
// A PNG of only a header: IHDR declaring this size, a tiny IDAT, IEND (valid CRCs).
std::string png_header_only(std::uint32_t width, std::uint32_t height);
// A little-endian TIFF whose single strip of one 8-bit grey sample per pixel is not there.
std::string tiff_header_only(std::uint32_t width, std::uint32_t height);
// Deterministic bytes that are not an image.
std::string random_bytes(size_t n, unsigned seed);
// A TIFF (lossless) of `pixels`, stored as given, with this orientation tag (1..8).
std::string tiff_with_orientation(const cv::Mat& pixels, int orientation);

}  // namespace fstack::test::hostile
