// SPDX-License-Identifier: GPL-3.0-or-later
// Image metadata: EXIF, XMP and ICC copied into every output format, checked with exiv2 itself
// (not with core's reader); the EXIF orientation applied on reading and reset on copying.
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "io_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::io;

// ---------------------------------------------------------------------------------------------
// Metadata, checked with exiv2

void put_be32(std::vector<unsigned char>& b, size_t at, uint32_t v) {
    b[at] = v >> 24; b[at + 1] = (v >> 16) & 0xFF; b[at + 2] = (v >> 8) & 0xFF; b[at + 3] = v & 0xFF;
}
void put_tag(std::vector<unsigned char>& b, size_t at, const char* sig) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<unsigned char>(sig[i]);
}
uint32_t s15(double v) { return static_cast<uint32_t>(static_cast<int32_t>(std::lround(v * 65536.0))); }

// A small but well-formed ICC v2 display profile (sRGB primaries, gamma 2.2): the system has
// no .icc files to borrow, and libpng/exiv2 check the header, so random bytes would not do.
std::vector<unsigned char> make_icc_profile() {
    std::vector<unsigned char> b(128, 0);
    const auto append = [&](std::vector<unsigned char> data) {
        while (b.size() % 4) b.push_back(0);
        const size_t at = b.size();
        b.insert(b.end(), data.begin(), data.end());
        return std::make_pair(static_cast<uint32_t>(at), static_cast<uint32_t>(data.size()));
    };
    const auto xyz = [](double X, double Y, double Z) {
        std::vector<unsigned char> d(20, 0);
        put_tag(d, 0, "XYZ ");
        put_be32(d, 8, s15(X)); put_be32(d, 12, s15(Y)); put_be32(d, 16, s15(Z));
        return d;
    };
    const std::string description = "fstack test profile";
    std::vector<unsigned char> desc(12 + description.size() + 1 + 4 + 4 + 2 + 1 + 67, 0);
    put_tag(desc, 0, "desc");
    put_be32(desc, 8, static_cast<uint32_t>(description.size() + 1));
    std::copy(description.begin(), description.end(), desc.begin() + 12);
    std::vector<unsigned char> cprt(8, 0);
    put_tag(cprt, 0, "text");
    for (char ch : std::string("No copyright, use freely")) cprt.push_back(static_cast<unsigned char>(ch));
    cprt.push_back(0);
    std::vector<unsigned char> curve(14, 0);
    put_tag(curve, 0, "curv");
    put_be32(curve, 8, 1);
    curve[12] = 2; curve[13] = 0x33;  // u8Fixed8 2.2

    struct Tag { const char* sig; std::vector<unsigned char> data; };
    const std::vector<Tag> tags = {
        {"desc", desc}, {"cprt", cprt}, {"wtpt", xyz(0.9642, 1.0, 0.8249)},
        {"rXYZ", xyz(0.4361, 0.2225, 0.0139)}, {"gXYZ", xyz(0.3851, 0.7169, 0.0971)},
        {"bXYZ", xyz(0.1431, 0.0606, 0.7141)}, {"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
    };
    b.resize(128 + 4 + 12 * tags.size(), 0);
    put_be32(b, 128, static_cast<uint32_t>(tags.size()));
    for (size_t i = 0; i < tags.size(); ++i) {
        const auto [offset, size] = append(tags[i].data);
        const size_t entry = 132 + 12 * i;
        put_tag(b, entry, tags[i].sig);
        put_be32(b, entry + 4, offset);
        put_be32(b, entry + 8, size);
    }
    while (b.size() % 4) b.push_back(0);
    put_be32(b, 0, static_cast<uint32_t>(b.size()));
    put_be32(b, 8, 0x02100000);  // version 2.1
    put_tag(b, 12, "mntr");
    put_tag(b, 16, "RGB ");
    put_tag(b, 20, "XYZ ");
    const uint16_t date[6] = {2024, 1, 1, 0, 0, 0};
    for (int i = 0; i < 6; ++i) { b[24 + 2 * i] = date[i] >> 8; b[25 + 2 * i] = date[i] & 0xFF; }
    put_tag(b, 36, "acsp");
    put_be32(b, 68, s15(0.9642)); put_be32(b, 72, s15(1.0)); put_be32(b, 76, s15(0.8249));
    return b;
}

struct ReadBack {
    bool ok = false;
    std::string make, title;
    long iso = -1, orientation = -1;
    std::vector<unsigned char> icc;
};

ReadBack read_metadata(const fs::path& p) {
    ReadBack r;
    auto image = Exiv2::ImageFactory::open(p.string());
    if (!image.get()) return r;
    image->readMetadata();
    const Exiv2::ExifData& exif = image->exifData();
    auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Make"));
    if (it != exif.end()) r.make = it->toString();
    it = exif.findKey(Exiv2::ExifKey("Exif.Photo.ISOSpeedRatings"));
    if (it != exif.end()) r.iso = it->toLong();
    it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
    if (it != exif.end()) r.orientation = it->toLong();
    const Exiv2::XmpData& xmp = image->xmpData();
    auto x = xmp.findKey(Exiv2::XmpKey("Xmp.dc.title"));
    if (x != xmp.end()) r.title = x->toString();
    if (image->iccProfileDefined()) {
        const Exiv2::DataBuf* icc = image->iccProfile();
        r.icc.assign(icc->pData_, icc->pData_ + icc->size_);
    }
    r.ok = true;
    return r;
}

TEST(Metadata, ExifXmpAndIccSurviveIntoEveryFormat) {
    TempDir dir;
    const fs::path source = dir / "source.jpg";
    fstack::write_image(source, smooth_image(120, 160));
    const std::vector<unsigned char> icc = make_icc_profile();
    add_metadata(source, 1, &icc);
    {
        const ReadBack s = read_metadata(source);
        ASSERT_EQ(s.make, "fstack-test");
        ASSERT_EQ(s.iso, 400);
        ASSERT_EQ(s.icc, icc) << "exiv2 did not store the test's ICC profile in the source";
    }

    fstack::WriteOptions o;
    o.metadata_source = source;
    cv::Mat image16;
    full_range_image(120, 160, CV_16U, 3).copyTo(image16);
    const cv::Mat image8 = full_range_image(120, 160, CV_8U, 3);
    struct Out { const char* name; const cv::Mat* image; bool lossless; };
    const Out outs[] = {{"out8.jpg", &image8, false}, {"out8.png", &image8, true}, {"out8.tif", &image8, true},
                        {"out16.png", &image16, true}, {"out16.tif", &image16, true}};
    for (const Out& out : outs) {
        SCOPED_TRACE(out.name);
        const fs::path p = dir / out.name;
        fstack::write_image(p, *out.image, o);
        const ReadBack r = read_metadata(p);
        ASSERT_TRUE(r.ok);
        EXPECT_EQ(r.make, "fstack-test");
        EXPECT_EQ(r.iso, 400);
        EXPECT_EQ(r.orientation, 1);
        EXPECT_TRUE(contains(r.title, "fstack round trip")) << "title: " << r.title;
        EXPECT_EQ(r.icc, icc) << "ICC profile lost or altered (" << r.icc.size() << " bytes back)";
        // exiv2 rewrites PNG chunks and whole TIFF structures: the pixels must survive it.
        if (out.lossless) expect_identical(*out.image, fstack::read_image(p));
        else EXPECT_EQ(fstack::read_image(p).size(), out.image->size());
    }
}

TEST(Metadata, NoSourceMeansNoExif) {
    TempDir dir;
    fstack::write_image(dir / "plain.png", full_range_image(16, 16, CV_8U, 3));
    const ReadBack r = read_metadata(dir / "plain.png");
    EXPECT_TRUE(r.make.empty());
    EXPECT_EQ(r.iso, -1);
}

TEST(Metadata, OrientationIsAppliedAndResetOnCopy) {
    TempDir dir;
    const fs::path p = dir / "rotated.jpg";
    const int W = 96, H = 48;
    fstack::write_image(p, smooth_image(H, W));
    // Reference pixels: the same decoder before any orientation tag exists.
    const cv::Mat stored = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(stored.size(), cv::Size(W, H));
    add_metadata(p, 6);
    ASSERT_EQ(read_metadata(p).orientation, 6);

    const cv::Mat upright = fstack::read_image(p);
    ASSERT_EQ(upright.cols, H);
    ASSERT_EQ(upright.rows, W);
    cv::Mat expected;
    cv::rotate(stored, expected, cv::ROTATE_90_CLOCKWISE);  // orientation 6: rotate 90 degrees clockwise to view
    expect_identical(expected, upright);
    const fstack::ImageInfo info = fstack::read_image_info(p);
    EXPECT_EQ(info.width, H);
    EXPECT_EQ(info.height, W);

    // The stacked result is stored upright: its copied metadata must not rotate it again.
    fstack::WriteOptions o;
    o.metadata_source = p;
    for (const char* name : {"out.png", "out.jpg", "out.tif"}) {
        SCOPED_TRACE(name);
        fstack::write_image(dir / name, upright, o);
        const ReadBack r = read_metadata(dir / name);
        EXPECT_EQ(r.orientation, 1);
        EXPECT_EQ(r.make, "fstack-test");
        const cv::Mat back = fstack::read_image(dir / name);
        EXPECT_EQ(back.size(), upright.size());
        const fstack::ImageInfo out_info = fstack::read_image_info(dir / name);
        EXPECT_EQ(out_info.width, H);
        EXPECT_EQ(out_info.height, W);
    }
    expect_identical(upright, fstack::read_image(dir / "out.png"));
}

}  // namespace
