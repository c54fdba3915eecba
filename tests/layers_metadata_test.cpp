// SPDX-License-Identifier: GPL-3.0-or-later
// Layered files' metadata: PSD, TIFF and Photoshop TIFF carry the source frame's ICC profile and EXIF.
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/layers.hpp"
#include "layers_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::layers;

// Size of PSD image resource `id` (0 if absent), parsed with nothing but the PSD spec.
size_t psd_resource_size(const fs::path& psd, uint16_t id) {
    const std::string b = fstack::test::file_bytes(psd);
    auto be32 = [&](size_t p) { return uint32_t(uint8_t(b[p])) << 24 | uint32_t(uint8_t(b[p + 1])) << 16 |
                                       uint32_t(uint8_t(b[p + 2])) << 8 | uint8_t(b[p + 3]); };
    size_t p = 26;
    p += 4 + be32(p);  // colour mode data
    const size_t end = p + 4 + be32(p);
    p += 4;
    while (p + 12 <= end) {
        const uint16_t rid = uint16_t(uint8_t(b[p + 4]) << 8 | uint8_t(b[p + 5]));
        const size_t name = uint8_t(b[p + 6]);
        size_t q = p + 6 + ((1 + name + 1) & ~size_t(1));
        const uint32_t size = be32(q);
        if (rid == id) return size;
        p = q + 4 + ((size + 1) & ~size_t(1));
    }
    return 0;
}

TEST(Metadata, PsdAndTiffCarryIccAndExif) {
    TempDir dir;
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
    // A source JPEG with EXIF and an ICC profile (any bytes exiv2 accepts as a profile).
    const fs::path src = dir / "src.tif";
    write_image(src, noise_image(16, 16, CV_8UC3, 9));
    std::vector<uint8_t> icc(200, 7);
    icc[36] = 'a'; icc[37] = 'c'; icc[38] = 's'; icc[39] = 'p';
    icc[0] = 0; icc[1] = 0; icc[2] = 0; icc[3] = 200;
    {
        auto image = Exiv2::ImageFactory::open(src.string());
        image->readMetadata();
        image->exifData()["Exif.Image.Model"] = "fstack-layers-test";
        Exiv2::DataBuf buf(icc.data(), static_cast<long>(icc.size()));
        image->setIccProfile(buf);
        image->writeMetadata();
    }
    LayeredImageSpec spec;
    spec.width = 16;
    spec.height = 16;
    spec.layers = {{"one", true, false}};
    spec.metadata_source = src;
    const cv::Mat px = noise_image(16, 16, CV_8UC3, 10);
    for (LayerFormat f : {LayerFormat::Psd, LayerFormat::Tiff, LayerFormat::PhotoshopTiff}) {
        const fs::path out = dir / ("meta" + std::to_string(int(f)) + layer_format_extension(f));
        write_layered_file(out, f, spec, [&](int) { return LayerPixels{px, {}}; });
        auto image = Exiv2::ImageFactory::open(out.string());
        image->readMetadata();
        if (f == LayerFormat::Psd) {
            // exiv2 0.27 does not read PSD profiles: look for image resource 1039 ourselves.
            EXPECT_EQ(psd_resource_size(out, 1039), 200u);
        } else {
            EXPECT_TRUE(image->iccProfileDefined()) << layer_format_name(f);
            if (image->iccProfileDefined()) EXPECT_EQ(image->iccProfile()->size_, 200) << layer_format_name(f);
        }
        if (f == LayerFormat::Psd) {
            const auto it = image->exifData().findKey(Exiv2::ExifKey("Exif.Image.Model"));
            ASSERT_NE(it, image->exifData().end());
            EXPECT_EQ(it->toString(), "fstack-layers-test");
        } else {
            // TIFF pages carry the EXIF fields as XMP (tiff:Model).
            const auto it = image->xmpData().findKey(Exiv2::XmpKey("Xmp.tiff.Model"));
            ASSERT_NE(it, image->xmpData().end()) << layer_format_name(f);
            EXPECT_EQ(it->toString(), "fstack-layers-test");
        }
    }
}

}  // namespace
