// SPDX-License-Identifier: GPL-3.0-or-later
// A real GIMP 2.10, headless, opens the layered files fstack writes: multi-page TIFF and PSD
// (8/16-bit, RGB/RGBA, masks, hidden layers) with the expected layer count, names, visibility,
// masks and pixels; a Photoshop-layered TIFF as its composite (all GIMP 2.10 reads of it).
// GIMP runs once for all files (tests/gimp/gimp210_layers.sh) and exports every layer and mask
// to PNG; the pixels are compared here. Skipped, saying why, where gimp-console-2.10 is absent
// (scripts/install-deps.sh installs it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "fstack/layers.hpp"
#include "gimp/layer_docs.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace fstack;
using fstack::test::TempDir;
using namespace fstack::test;

std::string gimp_console() {
    if (const char* env = std::getenv("FSTACK_GIMP210")) return env;
    const auto r = fstack::test::run_command("command -v gimp-console-2.10");
    return r.exit_code == 0 ? "gimp-console-2.10" : "";
}

TEST(Gimp210, OpensMultiPageTiffAndPsdWithLayersNamesAndPixels) {
    const std::string gimp = gimp_console();
    if (gimp.empty()) GTEST_SKIP() << "gimp-console-2.10 not found (apt-get install gimp, or set FSTACK_GIMP210)";
    TempDir dir("fstack-gimp210");
    std::vector<Doc> docs;
    docs.push_back(make_doc(dir / "pages8.tif", LayerFormat::Tiff, CV_8U, false, false));
    docs.push_back(make_doc(dir / "pages16a.tif", LayerFormat::Tiff, CV_16U, true, false));
    docs.push_back(make_doc(dir / "doc8.psd", LayerFormat::Psd, CV_8U, false, true));
    docs.push_back(make_doc(dir / "doc16.psd", LayerFormat::Psd, CV_16U, false, true));
    docs.push_back(make_doc(dir / "doc8a.psd", LayerFormat::Psd, CV_8U, true, true));
    docs.push_back(make_doc(dir / "pslayers.tif", LayerFormat::PhotoshopTiff, CV_8U, false, true));
    std::string cmd = "GIMP_CONSOLE=" + gimp + " '" + std::string(FSTACK_TEST_DATA) + "/../gimp/gimp210_layers.sh'";
    for (const Doc& d : docs) cmd += " '" + d.path.string() + "'";
    const auto run = fstack::test::run_command(cmd);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto seen = parse(run.output);

    for (const Doc& d : docs) {
        SCOPED_TRACE(d.path.filename().string());
        const std::string key = fs::canonical(d.path).string();
        ASSERT_TRUE(seen.count(key)) << run.output;
        const Seen& s = seen.at(key);
        const int n = static_cast<int>(d.spec.layers.size());
        if (d.format == LayerFormat::PhotoshopTiff) {
            // GIMP 2.10 ignores tag 37724: one layer, the composite (= the opaque top layer).
            ASSERT_EQ(s.count, 1);
            const cv::Mat png = read_image(key + ".layer0.png");
            EXPECT_EQ(difference(png, d.pixels.back()), 0);
            continue;
        }
        ASSERT_EQ(s.count, n) << run.output;
        for (int g = 0; g < n; ++g) {  // GIMP lists the top layer first
            const size_t i = static_cast<size_t>(n - 1 - g);
            const LayerSpec& want = d.spec.layers[i];
            ASSERT_TRUE(s.layers.count(g));
            const Seen::Layer& l = s.layers.at(g);
            EXPECT_EQ(l.name, want.name) << "GIMP layer " << g;
            if (d.format == LayerFormat::Psd) {
                EXPECT_EQ(l.visible, want.visible) << want.name;
                EXPECT_EQ(l.mask, want.has_mask) << want.name;
            }
            const cv::Mat png = read_image(key + ".layer" + std::to_string(g) + ".png");
            ASSERT_FALSE(png.empty());
            std::printf("%s layer '%s': GIMP exported %d-bit, %d channels\n", d.path.filename().c_str(),
                        want.name.c_str(), png.depth() == CV_16U ? 16 : 8, png.channels());
            EXPECT_EQ(png.depth(), d.spec.depth) << want.name << ": GIMP kept the bit depth";
            EXPECT_EQ(difference(png, d.pixels[i]), 0) << want.name;
            if (want.has_mask && d.format == LayerFormat::Psd) {
                const cv::Mat mask = read_image(key + ".mask" + std::to_string(g) + ".png");
                EXPECT_EQ(difference(convert_channels(mask, 1), d.masks[i]), 0) << want.name << " mask";
            }
        }
    }
}

}  // namespace
