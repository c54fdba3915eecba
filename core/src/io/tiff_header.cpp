// SPDX-License-Identifier: GPL-3.0-or-later
// The first directory of a TIFF in memory, read with libtiff before decoding.
#include "io/tiff_header.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cstring>

namespace fstack {
namespace {

using Memory = TiffMemory;

tmsize_t read_fn(thandle_t h, void* out, tmsize_t n) {
    auto* m = static_cast<Memory*>(h);
    const toff_t size = m->bytes->size();
    if (n <= 0 || m->offset >= size) return 0;
    const toff_t count = std::min<toff_t>(toff_t(n), size - m->offset);
    std::memcpy(out, m->bytes->data() + m->offset, count);
    m->offset += count;
    return tmsize_t(count);
}

tmsize_t write_fn(thandle_t, void*, tmsize_t) { return 0; }

toff_t seek_fn(thandle_t h, toff_t offset, int whence) {
    auto* m = static_cast<Memory*>(h);
    const toff_t size = m->bytes->size();
    toff_t base = whence == SEEK_CUR ? m->offset : whence == SEEK_END ? size : 0;
    m->offset = base + offset;  // past the end is allowed, as for files; reads there give 0
    return m->offset;
}

int close_fn(thandle_t) { return 0; }
toff_t size_fn(thandle_t h) { return static_cast<Memory*>(h)->bytes->size(); }
int map_fn(thandle_t, void**, toff_t*) { return 0; }
void unmap_fn(thandle_t, void*, toff_t) {}

}  // namespace

TIFF* open_tiff_memory(TiffMemory& m) {
    TIFFSetWarningHandler(nullptr);  // a library prints nothing; the caller reports failures
    TIFFSetErrorHandler(nullptr);
    // "m": no memory mapping.
    return TIFFClientOpen("memory", "rm", &m, read_fn, write_fn, seek_fn, close_fn, size_fn, map_fn, unmap_fn);
}

TiffHeader read_tiff_header(const std::vector<unsigned char>& bytes) {
    TiffHeader h;
    TiffMemory m{&bytes, 0};
    TIFF* tif = open_tiff_memory(m);
    if (!tif) return h;
    h.ok = TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &h.width) == 1 && TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h.height) == 1;
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &h.bits_per_sample);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &h.samples_per_pixel);
    TIFFClose(tif);
    return h;
}

}  // namespace fstack
