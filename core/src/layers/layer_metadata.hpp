// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The metadata a layered file carries, taken from a source image with exiv2, in the raw forms
// the containers embed: a TIFF-structured EXIF block (PSD resource 1058), the ICC profile (PSD
// resource 1039, TIFF tag 34675) and an XMP packet (PSD resource 1060, TIFF tag 700).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fstack::detail {

struct EmbeddedMetadata {
    std::vector<uint8_t> exif;  // "II*\0"... block, layout tags dropped, orientation normal
    std::vector<uint8_t> icc;
    std::string xmp;            // the source's XMP
    std::string xmp_with_exif;  // the same plus the EXIF fields as XMP (exif:, tiff: schemas),
                                // for TIFF pages, where a full EXIF IFD is out of reach
    bool empty() const { return exif.empty() && icc.empty() && xmp.empty(); }
};

// Empty (no error) when `source` is empty or has no readable metadata: a source without
// metadata is not a reason to fail the output.
EmbeddedMetadata read_embedded_metadata(const std::filesystem::path& source, int width, int height);

}  // namespace fstack::detail
