// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// EXIF orientation, read with exiv2 and applied to decoded pixels (OpenCV applies it only when
// it converts the image, and we decode unchanged to keep 16 bits and alpha).
#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

int exif_orientation(const std::filesystem::path& path);          // 1..8, 1 if none
int exif_orientation_bytes(const std::vector<unsigned char>& bytes);
void apply_exif_orientation(cv::Mat& image, int orientation);

}  // namespace fstack
