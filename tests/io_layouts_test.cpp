// SPDX-License-Identifier: GPL-3.0-or-later
// Every TIFF layout libtiff writes (chunky/planar, strips/tiles, unsigned/signed/float, grey,
// grey+alpha, RGB, RGBA, CMYK, palette, with and without ICC, BigTIFF, compressed) decodes to
// the pixels of its chunky unsigned twin, or is refused as "unsupported: <what it is>".
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "layout_files.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::test::TiffColour;
using fstack::test::TiffLayout;

// Grey, alpha and colour channels with the whole range; alpha kept above half (so that
// premultiplied colour loses at most one level).
cv::Mat source_pixels(int depth) {
    cv::Mat m(29, 37, CV_MAKETYPE(depth, 4));
    cv::RNG rng(11);
    const double top = depth == CV_16U ? 65536.0 : 256.0;
    rng.fill(m, cv::RNG::UNIFORM, 0.0, top);
    std::vector<cv::Mat> ch;
    cv::split(m, ch);
    ch[3] = ch[3] / 2 + cv::Scalar(top / 2);
    ch[0](cv::Rect(0, 0, 1, 1)).setTo(0);
    cv::merge(ch, m);
    if (depth == CV_16U) {  // pinned extremes, where a signed or byte-swapped read shows
        m.at<cv::Vec4w>(0, 1) = cv::Vec4w(65535, 0, 32768, 65535);
        m.at<cv::Vec4w>(0, 2) = cv::Vec4w(32767, 1, 65534, 40000);
    }
    return m;
}

std::vector<TiffLayout> decodable_layouts() {
    std::vector<TiffLayout> out;
    const TiffColour colours[] = {TiffColour::Grey, TiffColour::GreyAlpha, TiffColour::Rgb, TiffColour::Rgba,
                                  TiffColour::Cmyk, TiffColour::MinIsWhite};
    for (TiffColour c : colours)
        for (int bits : {8, 16})
            for (bool separate : {false, true})
                for (bool is_signed : {false, true})
                    for (bool icc : {false, true}) {
                        if (c == TiffColour::Cmyk && icc) continue;  // a real CMYK profile changes colours: own test
                        TiffLayout L;
                        L.colour = c;
                        L.bits = bits;
                        L.separate = separate;
                        L.is_signed = is_signed;
                        L.icc = icc;
                        out.push_back(L);
                    }
    auto add = [&](TiffLayout L) { out.push_back(L); };
    TiffLayout L;
    L.colour = TiffColour::Rgb; L.bits = 16; L.tiled = true; add(L);
    L.separate = true; add(L);
    L = {}; L.colour = TiffColour::Rgba; L.bits = 16; L.tiled = true; L.separate = true; L.compression = 8; add(L);
    L = {}; L.colour = TiffColour::Rgb; L.bits = 8; L.big = true; add(L);
    L = {}; L.colour = TiffColour::Rgba; L.bits = 16; L.big = true; L.separate = true; add(L);
    L = {}; L.colour = TiffColour::Rgb; L.bits = 16; L.compression = 5; add(L);
    L = {}; L.colour = TiffColour::Grey; L.bits = 16; L.compression = 8; L.separate = true; add(L);
    L = {}; L.colour = TiffColour::Rgb; L.bits = 32; L.is_float = true; add(L);
    L = {}; L.colour = TiffColour::Grey; L.bits = 32; L.is_float = true; L.separate = true; add(L);
    L = {}; L.colour = TiffColour::Grey; L.bits = 1; add(L);
    L = {}; L.colour = TiffColour::Grey; L.bits = 1; L.tiled = true; add(L);
    L = {}; L.colour = TiffColour::Palette; L.bits = 8; add(L);
    L = {}; L.colour = TiffColour::Rgba; L.bits = 8; L.extra_samples_tag = false; add(L);
    L = {}; L.colour = TiffColour::GreyAlpha; L.bits = 16; L.extra_samples_tag = false; add(L);
    return out;
}

class TiffLayoutDecodes : public ::testing::TestWithParam<TiffLayout> {};

TEST_P(TiffLayoutDecodes, ToTheTwinsPixels) {
    const TiffLayout L = GetParam();
    fstack::test::TempDir dir;
    const fs::path p = dir / (L.name() + ".tif");
    const cv::Mat expected = fstack::test::write_tiff_layout(p, source_pixels(L.bits == 8 || L.bits == 1 || L.colour == TiffColour::Palette ? CV_8U : CV_16U), L);
    const fstack::ImageInfo info = fstack::read_image_info(p);
    const cv::Mat got = fstack::read_image(p);
    ASSERT_EQ(got.size(), expected.size());
    ASSERT_EQ(got.type(), expected.type()) << "channels " << got.channels() << " depth " << got.depth();
    EXPECT_EQ(info.channels, expected.channels());
    EXPECT_EQ(info.depth, expected.depth());
    EXPECT_LE(cv::norm(expected, got, cv::NORM_INF), L.associated ? 2.0 : 0.0);
}

INSTANTIATE_TEST_SUITE_P(Matrix, TiffLayoutDecodes, ::testing::ValuesIn(decodable_layouts()),
                         [](const auto& info) { return info.param.name(); });

TEST(TiffLayoutDecodes, AssociatedAlphaIsUnpremultiplied) {
    for (TiffColour c : {TiffColour::Rgba, TiffColour::GreyAlpha})
        for (int bits : {8, 16}) {
            TiffLayout L;
            L.colour = c;
            L.bits = bits;
            L.associated = true;
            fstack::test::TempDir dir;
            const fs::path p = dir / (L.name() + ".tif");
            const cv::Mat expected = fstack::test::write_tiff_layout(p, source_pixels(bits == 8 ? CV_8U : CV_16U), L);
            const cv::Mat got = fstack::read_image(p);
            ASSERT_EQ(got.type(), expected.type()) << L.name();
            // Premultiplying rounds to one level; alpha >= half the range doubles that at most.
            EXPECT_LE(cv::norm(expected, got, cv::NORM_INF), 2.0) << L.name();
        }
}

// A CMYK TIFF with a CMYK profile is converted by the profile (LittleCMS), not the naive rule,
// and gives three channels.
TEST(TiffLayoutDecodes, CmykWithProfileIsColourManaged) {
    TiffLayout L;
    L.colour = TiffColour::Cmyk;
    L.icc = true;
    fstack::test::TempDir dir;
    const fs::path p = dir / "cmyk_icc.tif";
    cv::Mat px(8, 8, CV_8UC4, cv::Scalar(40, 120, 200, 255));  // ink c = 55, m = 135, y = 215, k = 0
    fstack::test::write_tiff_layout(p, px, L);
    const cv::Mat got = fstack::read_image(p);
    ASSERT_EQ(got.type(), CV_8UC3);
    const cv::Vec3b want = fstack::test::cmyk_test_profile_colour(255 - 200, 255 - 120, 255 - 40, 0);
    const cv::Vec3b naive(40, 120, 200);
    const cv::Vec3b at = got.at<cv::Vec3b>(4, 4);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(at[i], want[i], 2) << "channel " << i;
    EXPECT_GT(cv::norm(cv::Vec3d(at) - cv::Vec3d(naive)), 20.0) << "the naive rule, not the profile, was used";
}

struct Refused {
    TiffLayout layout;
    std::string message;
};

class TiffLayoutRefused : public ::testing::TestWithParam<Refused> {};

TEST_P(TiffLayoutRefused, ByNameNotAsDamaged) {
    const Refused r = GetParam();
    fstack::test::TempDir dir;
    const fs::path p = dir / (r.layout.name() + ".tif");
    fstack::test::write_tiff_layout(p, source_pixels(CV_16U), r.layout);
    for (int pass = 0; pass < 2; ++pass) {  // from the header, and when decoding
        const fstack::Error e = fstack::test::expect_error([&] {
            if (pass == 0) fstack::read_image_info(p, 3);
            else fstack::read_image(p, 3);
        });
        EXPECT_EQ(e.kind(), fstack::ErrorKind::Input);
        EXPECT_TRUE(fstack::test::contains(e.what(), r.message)) << e.what();
        EXPECT_TRUE(fstack::test::contains(e.what(), p.string())) << e.what();
        EXPECT_FALSE(fstack::test::contains(e.what(), "corrupt")) << e.what();
        EXPECT_FALSE(fstack::test::contains(e.what(), "damaged")) << e.what();
    }
}

std::vector<Refused> refused_layouts() {
    std::vector<Refused> out;
    TiffLayout L;
    L.bits = 12; out.push_back({L, "unsupported: 12-bit TIFF"});
    L.separate = true; out.push_back({L, "unsupported: 12-bit TIFF"});
    L = {}; L.bits = 32; out.push_back({L, "unsupported: 32-bit integer TIFF"});
    L.colour = TiffColour::Grey; L.is_signed = true; out.push_back({L, "unsupported: 32-bit integer TIFF"});
    return out;
}

INSTANTIATE_TEST_SUITE_P(Matrix, TiffLayoutRefused, ::testing::ValuesIn(refused_layouts()),
                         [](const auto& info) { return info.param.layout.name(); });

}  // namespace
