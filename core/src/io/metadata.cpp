// SPDX-License-Identifier: GPL-3.0-or-later
// Copying EXIF, XMP and the ICC profile from a source image into an output.
#include "fstack/metadata.hpp"

#include <mutex>

#include "fstack/error.hpp"
#include "fstack/input_file.hpp"
#include "io/colour.hpp"
#include "io/exiv2_support.hpp"
#include "io/orientation.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

int orientation_of(Exiv2::Image& image) {
    try {
        image.readMetadata();
        auto& exif = image.exifData();
        auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (it == exif.end() || it->count() == 0) return 1;
        const long o = detail::metadatum_long(*it);
        return o >= 1 && o <= 8 ? static_cast<int>(o) : 1;
    } catch (const detail::Exiv2Error&) {
        return 1;
    }
}

}  // namespace

int exif_orientation(const fs::path& path) {
    detail::quiet_exiv2();
    if (check_file(path).kind != FileKind::Regular) return 1;
    try {
        auto image = Exiv2::ImageFactory::open(path.string());
        return image.get() ? orientation_of(*image) : 1;
    } catch (const detail::Exiv2Error&) {
        return 1;
    }
}

int exif_orientation_bytes(const std::vector<unsigned char>& bytes) {
    detail::quiet_exiv2();
    try {
        auto image = Exiv2::ImageFactory::open(bytes.data(), static_cast<long>(bytes.size()));
        return image.get() ? orientation_of(*image) : 1;
    } catch (const detail::Exiv2Error&) {
        return 1;
    }
}

void apply_exif_orientation(cv::Mat& image, int o) {
    switch (o) {
        case 2: cv::flip(image, image, 1); break;
        case 3: cv::rotate(image, image, cv::ROTATE_180); break;
        case 4: cv::flip(image, image, 0); break;
        case 5: cv::transpose(image, image); break;
        case 6: cv::rotate(image, image, cv::ROTATE_90_CLOCKWISE); break;
        case 7: cv::transpose(image, image); cv::rotate(image, image, cv::ROTATE_180); break;
        case 8: cv::rotate(image, image, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        default: break;
    }
}

bool copy_metadata(const fs::path& source, const fs::path& target, bool with_icc) {
    detail::quiet_exiv2();
    std::unique_ptr<Exiv2::Image> src;
    if (check_file(source).kind != FileKind::Regular) return false;  // exiv2 would block on a FIFO
    try {
        src = Exiv2::ImageFactory::open(source.string());
        src->readMetadata();
    } catch (const detail::Exiv2Error& e) {
        return false;  // a source without readable metadata is not an error: nothing to copy
    }
    Exiv2::ExifData exif = src->exifData();
    const Exiv2::XmpData& xmp = src->xmpData();
    // A CMYK frame was converted to RGB: its profile would misdescribe the result.
    const std::vector<unsigned char> icc = src->iccProfileDefined() ? detail::icc_profile(*src) : std::vector<unsigned char>{};
    const bool has_icc = with_icc && !icc.empty() && detail::icc_fits_rgb_or_grey(icc);
    if (exif.empty() && xmp.empty() && !has_icc) return false;
    try {
        auto dst = Exiv2::ImageFactory::open(target.string());
        dst->readMetadata();
        const int width = dst->pixelWidth(), height = dst->pixelHeight();
        if (!exif.empty()) {
            detail::drop_layout_tags(exif);
            Exiv2::ExifData merged = dst->exifData();  // keep the layout tags the encoder wrote
            for (const auto& d : exif) merged[d.key()] = d.value();
            merged["Exif.Image.Orientation"] = uint16_t(1);  // pixels are stored upright
            if (width > 0 && height > 0) {
                merged["Exif.Photo.PixelXDimension"] = uint32_t(width);
                merged["Exif.Photo.PixelYDimension"] = uint32_t(height);
            }
            dst->setExifData(merged);
        }
        if (!xmp.empty()) {
            Exiv2::XmpData x = xmp;
            auto it = x.findKey(Exiv2::XmpKey("Xmp.tiff.Orientation"));
            if (it != x.end()) x.erase(it);
            dst->setXmpData(x);
        }
        if (has_icc) detail::set_icc_profile(*dst, icc);
        dst->writeMetadata();
    } catch (const detail::Exiv2Error& e) {
        throw Error(ErrorKind::Output, target.string(), -1,
                    std::string("cannot write the metadata (EXIF/XMP/ICC): ") + e.what());
    }
    return true;
}

void set_icc_profile(const fs::path& target, const std::vector<unsigned char>& icc) {
    detail::quiet_exiv2();
    try {
        auto dst = Exiv2::ImageFactory::open(target.string());
        dst->readMetadata();
        detail::set_icc_profile(*dst, icc);
        dst->writeMetadata();
    } catch (const detail::Exiv2Error& e) {
        throw Error(ErrorKind::Output, target.string(), -1, std::string("cannot write the ICC profile: ") + e.what());
    }
}

}  // namespace fstack
