// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The first directory of a TIFF held in memory, read with libtiff before OpenCV decodes it, so
// that the pixel limit applies before anything is allocated.
#include <tiffio.h>

#include <cstdint>
#include <vector>

namespace fstack {

struct TiffHeader {
    bool ok = false;  // false: libtiff cannot open the first directory
    std::uint32_t width = 0, height = 0;
    std::uint16_t bits_per_sample = 8, samples_per_pixel = 1;
};

// A TIFF in memory for libtiff; `bytes` must outlive the handle.
struct TiffMemory {
    const std::vector<unsigned char>* bytes;
    toff_t offset = 0;
};
// Opens the TIFF in `m` for reading (nullptr if libtiff cannot); TIFFClose it. Prints nothing.
TIFF* open_tiff_memory(TiffMemory& m);

// Never throws and prints nothing.
TiffHeader read_tiff_header(const std::vector<unsigned char>& bytes);

}  // namespace fstack
