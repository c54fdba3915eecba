// SPDX-License-Identifier: GPL-3.0-or-later
// Multi-page TIFF read with plain libtiff, and Photoshop TIFF's layer block through libtiff's tag reader.
#include <gtest/gtest.h>

#include <tiffio.h>

#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/layers.hpp"
#include "layers_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::layers;

// The pages read with nothing but libtiff: what any TIFF reader sees.
TEST(TiffPages, LibtiffSeesOnePagePerLayerWithNamesAndSixteenBitSamples) {
    TempDir dir;
    const cv::Mat a = noise_image(33, 20, CV_16UC3, 1), b = noise_image(33, 20, CV_16UC3, 2);
    LayeredImageSpec spec;
    spec.width = 33;
    spec.height = 20;
    spec.depth = CV_16U;
    spec.layers = {{"bottom", true, false}, {"top", true, false}};
    const fs::path out = dir / "pages.tif";
    write_layered_file(out, LayerFormat::Tiff, spec, [&](int i) { return LayerPixels{i ? b : a, {}}; });
    TIFF* t = TIFFOpen(out.c_str(), "r");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(TIFFNumberOfDirectories(t), 2);
    const char* names[] = {"bottom", "top"};
    const cv::Mat* mats[] = {&a, &b};
    for (int page = 0; page < 2; ++page) {
        ASSERT_TRUE(TIFFSetDirectory(t, uint16_t(page)));
        char* name = nullptr;
        ASSERT_TRUE(TIFFGetField(t, TIFFTAG_PAGENAME, &name));
        EXPECT_STREQ(name, names[page]);
        uint16_t bps = 0;
        TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
        EXPECT_EQ(bps, 16);
        std::vector<uint16_t> row(33 * 3);
        ASSERT_GE(TIFFReadScanline(t, row.data(), 7, 0), 0);
        const cv::Vec3w px = mats[page]->at<cv::Vec3w>(7, 5);
        EXPECT_EQ(row[5 * 3 + 0], px[2]);  // RGB in the file, BGR in OpenCV
        EXPECT_EQ(row[5 * 3 + 2], px[0]);
    }
    TIFFClose(t);
}

// Photoshop TIFF: libtiff knows tag 37724 and returns the block Photoshop expects.
TEST(PhotoshopTiff, TagHoldsThePhotoshopLayerBlockAndThePageIsTheComposite) {
    TempDir dir;
    const cv::Mat a = noise_image(20, 10, CV_8UC3, 3), b = noise_image(20, 10, CV_8UC3, 4);
    LayeredImageSpec spec;
    spec.width = 20;
    spec.height = 10;
    spec.layers = {{"a", true, false}, {"b", true, false}};
    const fs::path out = dir / "ps.tif";
    write_layered_file(out, LayerFormat::PhotoshopTiff, spec, [&](int i) { return LayerPixels{i ? b : a, {}}; });
    TIFF* t = TIFFOpen(out.c_str(), "r");
    ASSERT_NE(t, nullptr);
    uint32_t count = 0;
    const char* data = nullptr;
    ASSERT_TRUE(TIFFGetField(t, TIFFTAG_IMAGESOURCEDATA, &count, &data));
    const std::string block(data, count);
    EXPECT_EQ(block.substr(0, 36), std::string("Adobe Photoshop Document Data Block\0", 36));
    EXPECT_EQ(block.substr(36, 8), "8BIMLayr");
    EXPECT_EQ(TIFFNumberOfDirectories(t), 1);
    TIFFClose(t);
    EXPECT_TRUE(same(read_image(out), b));  // an ordinary reader sees the composite
}

}  // namespace
