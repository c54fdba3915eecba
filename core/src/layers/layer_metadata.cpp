// SPDX-License-Identifier: GPL-3.0-or-later
// The EXIF/XMP/ICC a layered file carries, read from a source image with exiv2.
#include "layers/layer_metadata.hpp"

#include "fstack/input_file.hpp"
#include "io/colour.hpp"
#include "io/exiv2_support.hpp"

namespace fstack::detail {

EmbeddedMetadata read_embedded_metadata(const std::filesystem::path& source, int width, int height) {
    EmbeddedMetadata m;
    if (source.empty() || check_file(source).kind != FileKind::Regular) return m;  // a FIFO would block exiv2
    quiet_exiv2();
    try {
        auto image = Exiv2::ImageFactory::open(source.string());
        image->readMetadata();
        if (image->iccProfileDefined()) {
            m.icc = icc_profile(*image);
            if (!icc_fits_rgb_or_grey(m.icc)) m.icc.clear();  // a CMYK source was converted to RGB
        }
        Exiv2::ExifData exif = image->exifData();
        Exiv2::XmpData xmp = image->xmpData();
        if (!xmp.empty()) Exiv2::XmpParser::encode(m.xmp, xmp);
        if (!exif.empty()) {
            drop_layout_tags(exif);
            exif["Exif.Image.Orientation"] = uint16_t(1);  // pixels are stored upright
            exif["Exif.Photo.PixelXDimension"] = uint32_t(width);
            exif["Exif.Photo.PixelYDimension"] = uint32_t(height);
            Exiv2::Blob blob;
            Exiv2::ExifParser::encode(blob, Exiv2::littleEndian, exif);
            m.exif.assign(blob.begin(), blob.end());
            Exiv2::copyExifToXmp(exif, xmp);
        }
        if (!xmp.empty()) Exiv2::XmpParser::encode(m.xmp_with_exif, xmp);
    } catch (const Exiv2Error&) {
        return {};  // unreadable metadata: write the file without it
    }
    return m;
}

}  // namespace fstack::detail
