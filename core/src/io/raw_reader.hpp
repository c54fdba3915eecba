// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Camera raw and DNG frames through LibRaw: detection by content, header info, development to
// 16-bit RGB (see fstack/raw.hpp for the options and raw_reader.cpp for what is done).
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/image_io.hpp"
#include "fstack/raw.hpp"

namespace fstack::detail {

// True for the files LibRaw develops: DNG, and camera raws by their signatures (CR2/NEF/ARW/PEF
// and other TIFF-based raws by a CFA or linear-raw image directory; CR3, RAF, ORF, RW2, CRW,
// MRW, X3F by their own magic). A plain RGB or grey TIFF is not raw. Never throws.
bool is_raw_bytes(const std::vector<unsigned char>& bytes);
bool is_raw_file(const std::filesystem::path& path);

// Size after LibRaw's rotation, 3 channels, CV_16U, format Raw. Error(Input) with LibRaw's
// reason for a file LibRaw cannot open; the pixel limit is checked.
ImageInfo raw_info(const std::filesystem::path& path, int frame_index);

// Develops a raw held in memory to CV_16UC3 BGR. `used`, if given, receives the white balance
// multipliers applied (for the next frames of the stack). Error(Input) "<name>: cannot develop
// the raw file: <LibRaw's reason>" when LibRaw fails.
cv::Mat decode_raw(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index,
                   const RawOptions& options, std::array<float, 4>* used = nullptr);
// The same from a file (LibRaw reads it itself).
cv::Mat read_raw(const std::filesystem::path& path, int frame_index, const RawOptions& options,
                 std::array<float, 4>* used = nullptr);

}  // namespace fstack::detail
