// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// PNG and TIFF encoders of write_image (libpng, libtiff directly): the tags and chunks that
// readers need (ExtraSamples for alpha, a named iCCP), which OpenCV's encoders leave out.
#include <tiffio.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::detail {

// Grey, BGR or BGRA, CV_8U or CV_16U; `icc` (may be empty) as an iCCP chunk named "ICC profile".
std::vector<unsigned char> encode_png(const cv::Mat& image, int zlib_level, const std::vector<unsigned char>& icc,
                                      const std::string& shown);

// Writes the tags and rows of one page: grey, RGB or RGB plus unassociated alpha (ExtraSamples),
// 8 or 16-bit, deflate with a predictor when `compress`. The caller adds its own tags first and
// calls TIFFWriteDirectory after. Throws Error(Output) when a row cannot be written.
void write_tiff_page(TIFF* tif, const cv::Mat& image, bool compress, const std::string& shown, int index);

// One-page TIFF file of `image` at `path` (BigTIFF when it would pass 4 GB).
void write_tiff_file(const std::string& path, const cv::Mat& image, bool compress, const std::string& shown);

}  // namespace fstack::detail
