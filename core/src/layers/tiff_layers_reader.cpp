// SPDX-License-Identifier: GPL-3.0-or-later
// Reads a TIFF as layers: every page one layer (PageName as the name), or, when the first page
// carries Photoshop layer data (tag 37724), those layers and the page as the composite.
#include <tiffio.h>

#include <cstring>
#include <memory>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"
#include "layers/layered_readers.hpp"
#include "io/tiff_reader.hpp"
#include "layers/psd_reader.hpp"

namespace fstack::detail {
namespace {

struct TiffCloser {
    void operator()(TIFF* t) const { TIFFClose(t); }
};

// A page is decoded as a TIFF frame is (every layout libtiff reads), orientation tag aside.
cv::Mat read_page(TIFF* t, const std::string& shown, int page) {
    uint32_t w = 0, h = 0;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    check_pixel_limit(w, h, shown, page);  // before allocating what the tags declare
    return decode_tiff_directory(t, shown, page);
}

constexpr char kSignature[] = "Adobe Photoshop Document Data Block";

}  // namespace

LayeredImage read_tiff_layers(const std::filesystem::path& path) {
    const std::string shown = path.string();
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "r"));
    if (!tif) throw Error(ErrorKind::Input, shown, -1, "not a readable TIFF file");
    TIFF* t = tif.get();
    LayeredImage image;
    uint32_t count = 0;
    const uint8_t* data = nullptr;
    if (TIFFGetField(t, TIFFTAG_IMAGESOURCEDATA, &count, &data) && count > sizeof kSignature &&
        std::memcmp(data, kSignature, sizeof kSignature) == 0) {
        image.composite = read_page(t, shown, 0);
        image.width = image.composite.cols;
        image.height = image.composite.rows;
        uint16_t bps = 8;
        TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
        ByteReader r(data, count, shown);
        r.skip(sizeof kSignature);
        while (r.pos() + 12 <= r.size()) {
            const std::string sig = r.str(4), key = r.str(4);
            const uint32_t len = r.be32();
            const size_t next = r.pos() + len;
            if (sig != "8BIM") break;  // little-endian blocks ("MIB8") are not read
            if (key == "Layr" || key == "Lr16")
                image.layers = read_psd_layer_info(r, image.width, image.height, bps == 16 ? CV_16U : CV_8U);
            r.seek(next);
        }
        return image;
    }
    int page = 0;
    do {
        ReadLayer layer;
        layer.pixels = read_page(t, shown, page);
        char* name = nullptr;
        layer.name = TIFFGetField(t, TIFFTAG_PAGENAME, &name) && name ? name : "Page " + std::to_string(page + 1);
        image.width = std::max(image.width, layer.pixels.cols);
        image.height = std::max(image.height, layer.pixels.rows);
        image.layers.push_back(std::move(layer));
        ++page;
    } while (TIFFReadDirectory(t));
    return image;
}

bool tiff_is_layered(const std::filesystem::path& path) {
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "r"));
    if (!tif) return false;
    uint32_t count = 0;
    const uint8_t* data = nullptr;
    if (TIFFGetField(tif.get(), TIFFTAG_IMAGESOURCEDATA, &count, &data) && count > sizeof kSignature)
        return true;
    return TIFFNumberOfDirectories(tif.get()) > 1;
}

}  // namespace fstack::detail
