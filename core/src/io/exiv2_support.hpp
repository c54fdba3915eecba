// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the metadata code needs of exiv2, written once, for exiv2 0.27 (Debian 12) and 0.28
// (Debian 13, where GIMP 3 lives), whose APIs differ in errors, integers and ICC buffers.
#include <exiv2/exiv2.hpp>

#include <filesystem>
#include <vector>

namespace fstack::detail {

#if EXIV2_TEST_VERSION(0, 28, 0)
using Exiv2Error = Exiv2::Error;
#else
using Exiv2Error = Exiv2::AnyError;
#endif

// Mutes exiv2's own logging (core prints nothing) and initialises its XMP parser, once.
void quiet_exiv2();

// Removes the tags that describe the source file's layout (or that the container holds
// elsewhere: ICC, XMP, Photoshop layers), not the picture, and the thumbnail.
void drop_layout_tags(Exiv2::ExifData& exif);

long metadatum_long(const Exiv2::Metadatum& m);
std::vector<unsigned char> icc_profile(Exiv2::Image& image);
void set_icc_profile(Exiv2::Image& image, const std::vector<unsigned char>& icc);

// The ICC profile of `source` when it fits an RGB or grey result (icc_fits_rgb_or_grey), else
// empty; never throws.
std::vector<unsigned char> rgb_icc_profile_of(const std::filesystem::path& source);

}  // namespace fstack::detail
