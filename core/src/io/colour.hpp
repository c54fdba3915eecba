// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Colour conversions of decoded frames: CMYK (JPEG, TIFF) to BGR, through the file's ICC profile
// with LittleCMS where it has one, and the ICC checks the writers need.
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::detail {

// `cmyk`: 4 channels C, M, Y, K, CV_8U or CV_16U (0 = no ink, unless `inverted`: Adobe's JPEG
// convention, 0 = full ink). With a CMYK ICC profile the colours are converted to sRGB by
// LittleCMS (perceptual intent); without one, by the naive (1-C)(1-K) rule. Same depth out, 3
// channels BGR.
cv::Mat cmyk_to_bgr(const cv::Mat& cmyk, const std::vector<unsigned char>& icc, bool inverted);

// The colour space of an ICC profile as its header's 4-character signature ("RGB ", "GRAY",
// "CMYK", ...), empty when the bytes are not a profile.
std::string icc_colour_space(const std::vector<unsigned char>& icc);

// Whether a profile may go with an RGB or grey result: not one of an ink colour space (CMYK,
// CMY, n-colour), whose frames were converted (a colour-managed reader refuses an RGB file
// carrying it). Other bytes are passed on as before.
bool icc_fits_rgb_or_grey(const std::vector<unsigned char>& icc);

}  // namespace fstack::detail
