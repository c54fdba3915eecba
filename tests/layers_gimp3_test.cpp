// SPDX-License-Identifier: GPL-3.0-or-later
// A real GIMP 3, headless, in the Debian 13 chroot of the GIMP plug-in's tests
// (scripts/gimp3-chroot.sh), opens what GIMP 2.10 cannot: OpenRaster and the TIFF with
// Photoshop layers (tag 37724), with the expected layers, names, visibility, masks and pixels.
// Skipped, saying why, where the chroot does not exist or we are not root (chroot, mount).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/layers.hpp"
#include "gimp/layer_docs.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace fstack;
using namespace fstack::test;

fs::path chroot_root() {
    const char* env = std::getenv("FSTACK_GIMP3_CHROOT");
    return env ? fs::path(env) : fs::path("/var/tmp/fstack-gimp3-trixie");
}

TEST(Gimp3, OpensOpenRasterAndPhotoshopTiffWithLayers) {
    const fs::path root = chroot_root();
    if (!fs::exists(root / "usr/bin/gimp-console-3.0"))
        GTEST_SKIP() << "no GIMP 3 chroot at " << root << " (scripts/gimp3-chroot.sh setup makes it)";
    if (::geteuid() != 0) GTEST_SKIP() << "the GIMP 3 chroot needs root (chroot, mount)";
    // The chroot's /tmp is <root>/tmp here: write the files there, name them as GIMP sees them.
    const std::string tag = "fstack-layers3-" + std::to_string(::getpid());
    const fs::path host_dir = root / "tmp" / tag, inside = fs::path("/tmp") / tag;
    fs::create_directories(host_dir);
    struct Cleanup {
        fs::path p;
        ~Cleanup() { std::error_code ec; fs::remove_all(p, ec); }
    } cleanup{host_dir};

    std::vector<Doc> docs;
    docs.push_back(make_doc(host_dir / "doc8.ora", LayerFormat::Ora, CV_8U, false, false));
    docs.push_back(make_doc(host_dir / "doc16a.ora", LayerFormat::Ora, CV_16U, true, false));
    docs.push_back(make_doc(host_dir / "ps8.tif", LayerFormat::PhotoshopTiff, CV_8U, false, true));
    docs.push_back(make_doc(host_dir / "ps16.tif", LayerFormat::PhotoshopTiff, CV_16U, false, true));
    const fs::path repo = fs::path(FSTACK_TEST_DATA) / ".." / "..";
    std::string cmd = "'" + (repo / "scripts/gimp3-chroot.sh").string() + "' run bash /src/tests/gimp/gimp300_layers.sh";
    for (const Doc& d : docs) cmd += " '" + (inside / d.path.filename()).string() + "'";
    const auto run = run_command(cmd);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto seen = parse(run.output);

    for (const Doc& d : docs) {
        SCOPED_TRACE(d.path.filename().string());
        const std::string key = (inside / d.path.filename()).string();
        ASSERT_TRUE(seen.count(key)) << run.output;
        const Seen& s = seen.at(key);
        const int n = static_cast<int>(d.spec.layers.size());
        // GIMP 3 puts the Photoshop TIFF's page (the composite) under the PSD layers.
        const bool extra_composite = d.format == LayerFormat::PhotoshopTiff;
        ASSERT_EQ(s.count, n + (extra_composite ? 1 : 0)) << run.output;
        for (int g = 0; g < n; ++g) {
            const size_t i = static_cast<size_t>(n - 1 - g);
            const LayerSpec& want = d.spec.layers[i];
            ASSERT_TRUE(s.layers.count(g));
            const Seen::Layer& l = s.layers.at(g);
            EXPECT_EQ(l.name, want.name) << "GIMP layer " << g;
            EXPECT_EQ(l.visible, want.visible) << want.name;
            EXPECT_EQ(l.mask, want.has_mask) << want.name;
            const fs::path png = host_dir / (d.path.filename().string() + ".layer" + std::to_string(g) + ".png");
            const cv::Mat got = read_image(png);
            std::printf("%s layer '%s': GIMP 3 exported %d-bit, %d channels\n", d.path.filename().c_str(),
                        want.name.c_str(), got.depth() == CV_16U ? 16 : 8, got.channels());
            // GIMP 3.0's OpenRaster loader (a Python plug-in) builds an 8-bit image whatever
            // the PNGs hold: our 16-bit layers (16-bit PNGs, see layers_test) arrive rounded.
            EXPECT_EQ(got.depth(), d.format == LayerFormat::Ora ? CV_8U : d.spec.depth) << want.name;
            EXPECT_EQ(difference(got, d.pixels[i]), 0) << want.name;
        }
    }
}

}  // namespace
