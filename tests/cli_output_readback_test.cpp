// SPDX-License-Identifier: GPL-3.0-or-later
// Every file the fstack executable writes as JPEG, PNG or TIFF is read back by libjpeg, libpng
// and libtiff themselves without a single warning: RGBA TIFFs declare their alpha
// (ExtraSamples), PNGs carry the first frame's profile in an iCCP chunk with a name.
#include "cli_test_support.hpp"
#include "io_test_support.hpp"
#include "layout_files.hpp"

namespace {

using namespace fstack::test::cli;
using fstack::test::ReadBack;

ReadBack strictly(const fs::path& p) {
    const std::string e = p.extension().string();
    return e == ".jpg" ? fstack::test::read_jpeg_strictly(p)
           : e == ".png" ? fstack::test::read_png_strictly(p)
                         : fstack::test::read_tiff_strictly(p);
}

void expect_clean(const fs::path& p, int channels, int bits, bool icc) {
    SCOPED_TRACE(p.filename().string());
    ASSERT_TRUE(fs::exists(p));
    const ReadBack r = strictly(p);
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.size() << " warnings, first: " << (r.warnings.empty() ? "" : r.warnings[0]);
    EXPECT_EQ(r.channels, channels);
    EXPECT_EQ(r.bits, bits);
    if (p.extension() == ".tif" && channels == 4) {
        EXPECT_TRUE(r.has_extra_samples);
        EXPECT_EQ(r.extra_samples, 2) << "unassociated alpha (ExtraSamples = 2)";
    }
    if (icc) {
        EXPECT_FALSE(r.icc.empty()) << "the first frame's profile is missing";
        if (p.extension() == ".png") {
            EXPECT_FALSE(r.icc_name.empty());
        }
    }
}

// Frames that carry HP's 1998 sRGB profile (libpng: "known incorrect sRGB profile", refused in
// an iCCP chunk; the amber-flies stack's frames have it): the PNG result says sRGB with PNG's
// own sRGB chunk and reads back without a warning; JPEG and TIFF keep the profile as it is.
TEST(CliOutputReadBack, KnownIncorrectSrgbProfileStillWritesAPng) {
    const std::string bytes = fstack::test::file_bytes(fstack::test::test_data() / "icc" / "hp_srgb_known_incorrect.icc");
    ASSERT_EQ(bytes.size(), 3144u);
    const std::vector<unsigned char> icc(bytes.begin(), bytes.end());
    TempDir dir;
    const auto frames = make_stack(dir / "in", 3, ".jpg");
    fstack::test::io::add_metadata(frames[0], 1, &icc);
    for (const std::string ext : {".png", ".jpg", ".tif"}) {
        const fs::path out = dir / ("out" + ext);
        const CommandResult r = fstack_cli({"stack", (dir / "in").string(), "-o", out.string(), "--align", "none"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        expect_clean(out, 3, 8, ext != ".png");
        if (ext == ".png") {
            const std::string png = fstack::test::file_bytes(out);
            EXPECT_NE(png.find("sRGB"), std::string::npos) << "no sRGB chunk";
            EXPECT_EQ(png.find("iCCP"), std::string::npos) << "the refused profile was written anyway";
        }
    }
}

TEST(CliOutputReadBack, EveryWriterWithoutWarnings) {
    const std::vector<unsigned char> icc = fstack::test::srgb_profile();
    for (int depth : {CV_8U, CV_16U})
        for (int channels : {3, 4}) {
            SCOPED_TRACE("depth " + std::to_string(depth) + " channels " + std::to_string(channels));
            TempDir dir;
            const auto frames = make_stack(dir / "in", 3, ".png", depth);
            if (channels == 4)
                for (const fs::path& f : frames) {
                    cv::Mat m = read_back(f), bgra;
                    cv::cvtColor(m, bgra, cv::COLOR_BGR2BGRA);
                    ASSERT_TRUE(cv::imwrite(f.string(), bgra));
                }
            fstack::test::io::add_metadata(frames[0], 1, &icc);
            const int bits = depth == CV_16U ? 16 : 8;
            for (const std::string ext : {".png", ".tif", ".jpg"}) {
                const fs::path out = dir / ("out" + ext);
                std::vector<std::string> args{"stack", (dir / "in").string(), "-o", out.string(), "--align", "none"};
                if (ext == ".png") {
                    const std::vector<std::string> more{"--depth-map", (dir / "depth.png").string(), "--depth-map-bits",
                                                        "16", "--retouch-layers", (dir / "layers.tif").string()};
                    args.insert(args.end(), more.begin(), more.end());
                }
                if (ext == ".tif") args.push_back("--compress");
                const CommandResult r = fstack_cli(args);
                ASSERT_EQ(r.exit_code, 0) << r.output;
                expect_clean(out, ext == ".jpg" ? 3 : channels, ext == ".jpg" ? 8 : bits, true);
                if (ext == ".png") {
                    expect_clean(dir / "depth.png", 1, 16, false);
                    // Multi-page TIFF has no masks: the retouch frames are opaque pages under the result,
                    // with the frames' own channels (alpha only where the frames have it).
                    expect_clean(dir / "layers.tif", channels, bits, true);
                }
            }
            const CommandResult n = fstack_cli({"noise-map", (dir / "in").string(), "-o", (dir / "noise").string()});
            ASSERT_EQ(n.exit_code, 0) << n.output;
            for (const auto& e : fs::directory_iterator(dir / "noise")) {
                const ReadBack r = strictly(e.path());
                EXPECT_TRUE(r.ok) << e.path();
                EXPECT_TRUE(r.warnings.empty()) << e.path() << ": " << r.warnings.front();
            }
        }
}

}  // namespace
