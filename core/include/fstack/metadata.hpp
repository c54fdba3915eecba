// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <vector>

namespace fstack {

// Copies EXIF, XMP and the ICC profile of `source` into the already written image `target`
// (JPEG, PNG or TIFF, 8- or 16-bit), with exiv2. The orientation is reset to normal (pixels
// are stored upright), the pixel dimensions are updated and the thumbnail is dropped.
// Returns false (and changes nothing) if `source` has no metadata. Throws Error(Output).
// `with_icc` false: the ICC profile is left as the target has it (the PNG encoder writes its own
// iCCP chunk, or an sRGB chunk for a profile libpng knows as a broken sRGB).
bool copy_metadata(const std::filesystem::path& source, const std::filesystem::path& target, bool with_icc = true);

// Embeds `icc` as the ICC profile of the already written image `target`. Throws Error(Output).
void set_icc_profile(const std::filesystem::path& target, const std::vector<unsigned char>& icc);

}  // namespace fstack
