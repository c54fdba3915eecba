// SPDX-License-Identifier: GPL-3.0-or-later
// Layered files refused: a layer of the wrong size, crafted PSD, OpenRaster and TIFF files too large.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "fstack/error.hpp"
#include "fstack/layered_read.hpp"
#include "fstack/layers.hpp"
#include "hostile_files.hpp"
#include "layers_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::layers;

TEST(Errors, WrongLayerSizeNamesTheLayerAndLeavesNoFile) {
    TempDir dir;
    LayeredImageSpec spec;
    spec.width = 10;
    spec.height = 10;
    spec.layers = {{"good", true, false}, {"bad", true, false}};
    const fs::path out = dir / "x.psd";
    try {
        write_layered_file(out, LayerFormat::Psd, spec, [&](int i) {
            return LayerPixels{cv::Mat(i ? 9 : 10, 10, CV_8UC3, cv::Scalar::all(1)), {}};
        });
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir.path()));
    EXPECT_THROW(layer_format_from_extension("x.jpg"), Error);
    EXPECT_EQ(layer_format_from_name("PSTIF"), LayerFormat::PhotoshopTiff);
}

// read_layered_file(path) must fail with an input error naming the file and saying `reason`.
void expect_read_error(const fs::path& path, const std::string& reason) {
    try {
        read_layered_file(path);
        ADD_FAILURE() << path << ": no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find(path.filename().string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
}

// Crafted PSDs (fuzz_layered's findings): sizes that the file cannot hold are refused, naming
// the file, before anything that size is allocated.
TEST(Errors, PsdDeclaringMoreThanItHoldsIsRefused) {
    TempDir dir;
    LayeredImageSpec spec;
    spec.width = 16;
    spec.height = 12;
    spec.layers = {{"a", true, false}};
    const fs::path good = dir / "good.psd";
    write_layered_file(good, LayerFormat::Psd, spec, [&](int) { return LayerPixels{noise_image(16, 12, CV_8UC3, 1), {}}; });
    const std::string bytes = test::file_bytes(good);
    auto be32 = [&](size_t at) {
        return uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
               uint32_t(uint8_t(bytes[at + 2])) << 8 | uint8_t(bytes[at + 3]);
    };
    size_t at = 26;                    // header
    at += 4 + be32(at);                // colour mode data
    at += 4 + be32(at);                // image resources
    const size_t rect = at + 4 + 4 + 2;  // layer and mask length, layer info length, layer count
    auto put32 = [](std::string& b, size_t pos, uint32_t v) {
        for (int k = 0; k < 4; ++k) b[pos + size_t(k)] = char((v >> (24 - 8 * k)) & 0xFF);
    };
    struct Case { const char* name; uint32_t bottom, right; const char* reason; };
    for (const Case& c : {Case{"huge.psd", 0x7FFFFFF0u, 0x7FFFFFF0u, "pixels"},          // past --max-pixels
                          Case{"large.psd", 5000, 5000, "cannot hold a 5000 x 5000 layer"}}) {
        SCOPED_TRACE(c.name);
        std::string b = bytes;
        put32(b, rect + 8, c.bottom);
        put32(b, rect + 12, c.right);
        const fs::path p = dir / c.name;
        test::write_bytes(p, b);
        expect_read_error(p, c.reason);
    }
    EXPECT_EQ(read_layered_file(good).layers.size(), 1u);
}

// An OpenRaster file with `stack_xml` and one small picture as layer.png.
void write_ora(const fs::path& path, const std::string& stack_xml) { test::write_ora(path, stack_xml, noise_image(8, 6, CV_8UC4, 3)); }

// Crafted OpenRaster files (fuzz_layered's 2 GB allocation and the like): refused, naming the
// file, before anything of the declared size is allocated.
TEST(Errors, OraDeclaringMoreThanItHoldsIsRefused) {
    TempDir dir;
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "<layer name=\"l\" src=\"layer.png\" x=\"3\" y=\"4\"/>";
    struct Case { const char* name; std::string xml; const char* reason; };
    for (const Case& c : {Case{"huge.ora", "<image w=\"100000\" h=\"100000\"><stack><layer src=\"layer.png\"/></stack></image>", "pixels"},
                          Case{"many.ora", "<image w=\"20000\" h=\"12000\"><stack>" + many + "</stack></image>", "MiB available"},
                          Case{"offset.ora", "<image w=\"64\" h=\"48\"><stack><layer src=\"layer.png\" x=\"99999999999\"/></stack></image>", "corrupt stack.xml"},
                          Case{"missing.ora", "<image w=\"64\" h=\"48\"><stack><layer src=\"nothere.png\"/></stack></image>", "without nothere.png"}}) {
        SCOPED_TRACE(c.name);
        const fs::path p = dir / c.name;
        write_ora(p, c.xml);
        expect_read_error(p, c.reason);
    }
    // A layer placed partly off the canvas, at the far edge of int: clipped, not overflowed.
    write_ora(dir / "edge.ora", "<image w=\"64\" h=\"48\"><stack><layer src=\"layer.png\" x=\"2147483647\" y=\"-2147483648\"/>"
                                "<layer src=\"layer.png\" x=\"60\" y=\"44\"/></stack></image>");
    const LayeredImage edge = read_layered_file(dir / "edge.ora");
    ASSERT_EQ(edge.layers.size(), 2u);
    EXPECT_EQ(cv::countNonZero(cv::Mat(edge.layers[1].pixels.reshape(1))), 0);  // entirely off
    EXPECT_GT(cv::countNonZero(cv::Mat(edge.layers[0].pixels.reshape(1))), 0);  // its 4x4 corner
}

TEST(Errors, TiffPageDeclaringMoreThanThePixelLimitIsRefused) {
    TempDir dir;
    const fs::path p = dir / "pages.tif";
    test::write_bytes(p, test::hostile::tiff_header_only(100000, 100000));
    expect_read_error(p, "pixels");
}

}  // namespace
