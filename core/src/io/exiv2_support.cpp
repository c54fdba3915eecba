// SPDX-License-Identifier: GPL-3.0-or-later
// What the metadata code needs of exiv2, for exiv2 0.27 and 0.28.
#include "io/exiv2_support.hpp"

#include "io/colour.hpp"

#include <mutex>
#include <string>

namespace fstack::detail {
namespace {

bool is_layout_tag(uint16_t tag) {
    // NewSubfileType, ImageWidth/Length, BitsPerSample, Compression, Photometric, StripOffsets,
    // SamplesPerPixel, RowsPerStrip, StripByteCounts, PlanarConfiguration, Predictor, Tile*,
    // SubIFDs, ExtraSamples, SampleFormat, XMP (700), ICC (34675), Photoshop layers (37724).
    static const uint16_t tags[] = {0x00fe, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0111,
                                    0x0115, 0x0116, 0x0117, 0x011c, 0x013d, 0x0142, 0x0143,
                                    0x0144, 0x0145, 0x014a, 0x0152, 0x0153, 700, 34675, 37724};
    for (uint16_t t : tags)
        if (t == tag) return true;
    // A raw source's CFA description (CFARepeatPatternDim, CFAPattern) and DNG tags (DNGVersion
    // .. the DNG 1.6 range): an output carrying them would pass for a raw file.
    return tag == 33421 || tag == 33422 || (tag >= 50706 && tag <= 52600);
}

// The directories of a raw file's other images (the raw data of a DNG or NEF, previews).
bool is_sub_image(const std::string& group) {
    return group.rfind("SubImage", 0) == 0 || group.rfind("SubThumb", 0) == 0;
}

}  // namespace

void quiet_exiv2() {
    static std::once_flag once;
    std::call_once(once, [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
    });
}

void drop_layout_tags(Exiv2::ExifData& exif) {
    for (auto it = exif.begin(); it != exif.end();) {
        const bool ifd0 = it->ifdName() == std::string("IFD0");
        const bool thumb = it->groupName() == "Thumbnail" || it->ifdName() == std::string("IFD1");
        it = (ifd0 && is_layout_tag(it->tag())) || thumb || is_sub_image(it->groupName()) ? exif.erase(it)
                                                                                         : std::next(it);
    }
}

#if EXIV2_TEST_VERSION(0, 28, 0)
long metadatum_long(const Exiv2::Metadatum& m) { return static_cast<long>(m.toInt64()); }

std::vector<unsigned char> icc_profile(Exiv2::Image& image) {
    const Exiv2::DataBuf& b = image.iccProfile();
    return {b.c_data(), b.c_data() + b.size()};
}

void set_icc_profile(Exiv2::Image& image, const std::vector<unsigned char>& icc) {
    Exiv2::DataBuf b(icc.data(), icc.size());
    image.setIccProfile(std::move(b));
}
#else
long metadatum_long(const Exiv2::Metadatum& m) { return m.toLong(); }

std::vector<unsigned char> icc_profile(Exiv2::Image& image) {
    const Exiv2::DataBuf* b = image.iccProfile();
    return {b->pData_, b->pData_ + b->size_};
}

void set_icc_profile(Exiv2::Image& image, const std::vector<unsigned char>& icc) {
    Exiv2::DataBuf b(icc.data(), static_cast<long>(icc.size()));
    image.setIccProfile(b);
}
#endif

std::vector<unsigned char> rgb_icc_profile_of(const std::filesystem::path& source) {
    if (source.empty()) return {};
    quiet_exiv2();
    try {
        auto image = Exiv2::ImageFactory::open(source.string());
        image->readMetadata();
        if (!image->iccProfileDefined()) return {};
        std::vector<unsigned char> icc = icc_profile(*image);
        return icc_fits_rgb_or_grey(icc) ? icc : std::vector<unsigned char>{};
    } catch (const Exiv2Error&) {
        return {};
    }
}

}  // namespace fstack::detail
