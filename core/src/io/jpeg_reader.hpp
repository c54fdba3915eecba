// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// JPEG decoding with libjpeg(-turbo) directly. OpenCV's decoder prints libjpeg's warnings on
// stderr and hands back the damaged pixels of a corrupt file ("Corrupt JPEG data: premature end
// of data segment") as if nothing happened: the stack then has a grey band nobody asked for.
//
// Warning policy (documented in the README, "Limits and damaged files"):
// - a warning that means pixels were lost (bad Huffman/arithmetic code, premature end of a data
//   segment or of the file, lost restart markers, an inconsistent progression, extraneous bytes
//   before a marker: what a decoder that lost sync in garbled scan data reports) is an
//   Error(Input): the frame is refused, the run stops before any output is written;
// - a warning about the wrapping (unknown JFIF revision, Adobe transform code, a bad ICC
//   marker) leaves the pixels intact: the frame is used and the warning goes to `progress`,
//   naming the file.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/progress.hpp"

namespace fstack {

// Decodes an 8-bit baseline, progressive or arithmetic JPEG (grey, YCbCr, RGB, CMYK, YCCK) to
// CV_8UC1 or CV_8UC3 BGR, without the EXIF orientation. Checks the pixel limit (limits.hpp)
// from the header before allocating. Throws Error(Input) naming `name` with libjpeg's reason.
cv::Mat decode_jpeg(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index,
                    Progress& progress);

}  // namespace fstack
