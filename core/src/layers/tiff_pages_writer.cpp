// SPDX-License-Identifier: GPL-3.0-or-later
// Multi-page TIFF: one page per layer, bottom layer first (GIMP opens page 0 as the bottom
// layer), each page named by its PageName tag, which GIMP and Krita show as the layer name.
// Pages are written a row at a time with libtiff. BigTIFF when the pages would pass 4 GB.
#include <tiffio.h>

#include <memory>
#include <vector>

#include "fstack/error.hpp"
#include "io/image_encoders.hpp"
#include "layers/layer_document.hpp"
#include "layers/layer_writers.hpp"

namespace fstack::detail {
namespace {

struct TiffCloser {
    void operator()(TIFF* t) const { TIFFClose(t); }
};

}  // namespace

void write_tiff_pages(const LayerWriteJob& job) {
    const LayeredImageSpec& spec = job.spec;
    const int spp = spec.alpha ? 4 : 3;
    const int bytes = spec.depth == CV_16U ? 2 : 1;
    const uint64_t raw = uint64_t(spec.width) * spec.height * spp * bytes * spec.layers.size();
    // Deflate may not shrink noisy frames: decide on the raw size, with a margin for the tags.
    const bool big = raw > 0xf0000000ull;
    TIFFSetWarningHandler(nullptr);
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(job.tmp.c_str(), big ? "w8" : "w"));
    if (!tif) throw Error(ErrorKind::Output, job.shown, -1, "cannot create the TIFF file");
    TIFF* t = tif.get();
    const EmbeddedMetadata& m = job.metadata;
    const int n = static_cast<int>(spec.layers.size());
    job.progress.stage("write " + job.shown, n);
    for (int i = 0; i < n; ++i) {
        job.progress.check_cancel();
        const LayerSpec& layer = spec.layers[static_cast<size_t>(i)];
        cv::Mat pixels;
        {
            LayerPixels in = job.source(i);
            pixels = to_document_layout(in.pixels, spec, i, job.shown);
        }
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENAME, layer.name.c_str());
        TIFFSetField(t, TIFFTAG_PAGENUMBER, uint16_t(i), uint16_t(n));
        TIFFSetField(t, TIFFTAG_SOFTWARE, "fstack");
        // Every page is a picture of the same scene: each carries the colour profile.
        if (!m.icc.empty()) TIFFSetField(t, TIFFTAG_ICCPROFILE, uint32_t(m.icc.size()), m.icc.data());
        if (i == 0 && !m.xmp_with_exif.empty())
            TIFFSetField(t, TIFFTAG_XMLPACKET, uint32_t(m.xmp_with_exif.size()), m.xmp_with_exif.data());
        write_tiff_page(t, pixels, spec.compress, job.shown, i);
        if (!TIFFWriteDirectory(t))
            throw Error(ErrorKind::Output, job.shown, i, "cannot write the TIFF page (disk full?)");
        job.progress.step(i + 1);
    }
    TIFF* raw_tif = tif.release();
    TIFFFlush(raw_tif);
    TIFFClose(raw_tif);
}

}  // namespace fstack::detail
