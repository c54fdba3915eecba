// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// TIFF decoding with libtiff, for frames (decode_tiff) and for the pages of layered TIFFs.
#include <tiffio.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::detail {

// Decodes the current directory of `tif` to grey, BGR or BGRA, CV_8U (1 to 8-bit samples) or
// CV_16U (16-bit integers, floats taken as 0..1); signed samples are offset to unsigned (-32768
// becomes 0), MinIsWhite inverted, a palette looked up, CMYK converted (cmyk_to_bgr), grey+alpha
// given as BGRA, associated alpha un-premultiplied, other extra samples dropped. The orientation
// tag is not applied. A valid layout it does not decode is Error(Input) "unsupported: <what it
// is>"; data libtiff cannot decode is "corrupt TIFF: ...". `index` is the frame (or page) shown
// in messages. The caller checks the pixel limit first.
cv::Mat decode_tiff_directory(TIFF* tif, const std::string& name, int index);

// What decode_tiff_directory will give, from the tags alone: channels (1, 3 or 4) and depth
// (CV_8U, CV_16U). Throws the same "unsupported: ..." errors, before anything is decoded.
struct TiffDecodedShape {
    int channels = 0, depth = CV_8U;
};
TiffDecodedShape tiff_decoded_shape(TIFF* tif, const std::string& name, int index);

// The first directory of a TIFF in memory.
cv::Mat decode_tiff(const std::vector<unsigned char>& bytes, const std::string& name, int index);

}  // namespace fstack::detail
