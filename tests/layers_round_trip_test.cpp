// SPDX-License-Identifier: GPL-3.0-or-later
// Layered files written and read back: every writer, 8/16-bit, RGB/RGBA, names, hidden layers, masks.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "fstack/layered_read.hpp"
#include "fstack/layers.hpp"
#include "fstack/progress.hpp"
#include "layers_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::layers;

struct Case {
    LayerFormat format;
    int depth;
    bool alpha;
};

std::string label(const Case& c) {
    return std::string(layer_format_name(c.format)) + (c.depth == CV_16U ? " 16-bit " : " 8-bit ") +
           (c.alpha ? "RGBA" : "RGB");
}

// For gtest and ctest -N: the case in words, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << label(c); }

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, LayersComeBackUnchanged) {
    const Case c = GetParam();
    TempDir dir;
    const int w = 67, h = 41, n = 4;  // odd sizes: padding and row strides
    const int type = CV_MAKETYPE(c.depth, c.alpha ? 4 : 3);
    std::vector<cv::Mat> layers;
    for (int i = 0; i < n; ++i) layers.push_back(noise_image(w, h, type, 100 + i));
    LayeredImageSpec spec;
    spec.width = w;
    spec.height = h;
    spec.depth = c.depth;
    spec.alpha = c.alpha;
    for (int i = 0; i < n; ++i) spec.layers.push_back({"layer " + std::to_string(i) + " é", i != 1, false});
    const fs::path out = dir / ("doc" + std::string(layer_format_extension(c.format)));
    int asked = 0;
    write_layered_file(out, c.format, spec, [&](int i) {
        EXPECT_EQ(i, asked++) << "layers are asked for in order, once";
        return LayerPixels{layers[static_cast<size_t>(i)], {}};
    });
    EXPECT_EQ(asked, n);
    const LayeredImage back = read_layered_file(out);
    ASSERT_EQ(back.layers.size(), static_cast<size_t>(n)) << label(c);
    EXPECT_EQ(back.width, w);
    EXPECT_EQ(back.height, h);
    for (int i = 0; i < n; ++i) {
        const ReadLayer& l = back.layers[static_cast<size_t>(i)];
        EXPECT_EQ(l.name, spec.layers[static_cast<size_t>(i)].name) << label(c);
        EXPECT_TRUE(same(l.pixels, layers[static_cast<size_t>(i)])) << label(c) << " layer " << i;
        if (format_has_hidden_layers(c.format)) EXPECT_EQ(l.visible, i != 1) << label(c) << " layer " << i;
    }
    if (c.format != LayerFormat::Tiff) {
        // Top layer opaque: the composite is exactly it; with alpha, an over-blend.
        ASSERT_FALSE(back.composite.empty()) << label(c);
        if (!c.alpha) EXPECT_TRUE(same(convert_channels(back.composite, 3), layers.back())) << label(c);
        else EXPECT_EQ(back.composite.size(), cv::Size(w, h));
    }
    // No temporary files left next to the output.
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() || e.is_directory();
    EXPECT_EQ(files, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, RoundTrip,
    ::testing::Values(Case{LayerFormat::Tiff, CV_8U, false}, Case{LayerFormat::Tiff, CV_16U, false},
                      Case{LayerFormat::Tiff, CV_8U, true}, Case{LayerFormat::Tiff, CV_16U, true},
                      Case{LayerFormat::Psd, CV_8U, false}, Case{LayerFormat::Psd, CV_16U, false},
                      Case{LayerFormat::Psd, CV_8U, true}, Case{LayerFormat::Psd, CV_16U, true},
                      Case{LayerFormat::PhotoshopTiff, CV_8U, false},
                      Case{LayerFormat::PhotoshopTiff, CV_16U, false},
                      Case{LayerFormat::PhotoshopTiff, CV_16U, true},
                      Case{LayerFormat::Ora, CV_8U, false}, Case{LayerFormat::Ora, CV_16U, false},
                      Case{LayerFormat::Ora, CV_16U, true}),
    [](const ::testing::TestParamInfo<Case>& info) {
        const Case& c = info.param;
        const char* f = c.format == LayerFormat::Tiff ? "Tiff" : c.format == LayerFormat::Psd ? "Psd"
                        : c.format == LayerFormat::Ora ? "Ora" : "PhotoshopTiff";
        return std::string(f) + (c.depth == CV_16U ? "16" : "8") + (c.alpha ? "Rgba" : "Rgb");
    });

TEST(Masks, PsdKeepsMasksOtherFormatsPutThemIntoAlpha) {
    const int w = 40, h = 30;
    const cv::Mat base = noise_image(w, h, CV_16UC3, 7), frame = noise_image(w, h, CV_16UC3, 8);
    cv::Mat mask(h, w, CV_8U, cv::Scalar(0));
    mask(cv::Rect(10, 5, 15, 12)).setTo(255);
    LayeredImageSpec spec;
    spec.width = w;
    spec.height = h;
    spec.depth = CV_16U;
    spec.layers = {{"base", true, false}, {"frame", true, true}};
    const LayerSource source = [&](int i) { return i ? LayerPixels{frame, mask} : LayerPixels{base, {}}; };
    for (LayerFormat f : {LayerFormat::Psd, LayerFormat::PhotoshopTiff, LayerFormat::Tiff, LayerFormat::Ora}) {
        TempDir dir;
        const fs::path out = dir / ("m" + std::string(layer_format_extension(f)));
        struct Notes : Progress {
            std::string text;
            void log(LogLevel, const std::string& m) override { text += m + "\n"; }
        } notes;
        write_layered_file(out, f, spec, source, notes);
        const LayeredImage back = read_layered_file(out);
        ASSERT_EQ(back.layers.size(), 2u) << layer_format_name(f);
        const ReadLayer& l = back.layers[1];
        cv::Mat mask16;
        mask.convertTo(mask16, CV_16U, 257);
        if (format_has_layer_masks(f)) {
            EXPECT_TRUE(same(l.mask, mask16)) << layer_format_name(f);
            EXPECT_TRUE(same(l.pixels, frame)) << layer_format_name(f);
            EXPECT_EQ(notes.text.find("no layer masks"), std::string::npos);
        } else {
            ASSERT_EQ(l.pixels.channels(), 4) << layer_format_name(f);
            cv::Mat alpha;
            cv::extractChannel(l.pixels, alpha, 3);
            EXPECT_TRUE(same(alpha, mask16)) << layer_format_name(f);
            EXPECT_NE(notes.text.find("no layer masks"), std::string::npos) << layer_format_name(f);
        }
        if (!back.composite.empty()) {
            // Inside the mask the frame shows, outside the base.
            cv::Mat c3 = convert_channels(back.composite, 3);
            EXPECT_EQ(c3.at<cv::Vec3w>(10, 15), frame.at<cv::Vec3w>(10, 15)) << layer_format_name(f);
            EXPECT_EQ(c3.at<cv::Vec3w>(25, 35), base.at<cv::Vec3w>(25, 35)) << layer_format_name(f);
        }
    }
}

}  // namespace
