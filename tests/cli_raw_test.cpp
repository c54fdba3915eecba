// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack`/`fstack batch`/job files on raw frames (DNGs the tests write, raw_dng.hpp): a
// synthetic focus stack as DNG stacks like the same stack as 16-bit TIFF, results carry the
// raw's EXIF and, in linear light, a linear ICC profile; raw mixed with JPEG is refused; a
// damaged raw is exit 3 with LibRaw's reason.
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <cmath>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job_file.hpp"
#include "fstack/job.hpp"
#include "raw_dng.hpp"
#include "fstack/kernels/image/srgb.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using fstack::test::CommandResult;
using fstack::test::contains;
using fstack::test::fstack_cli;
using fstack::test::TempDir;

// The synthetic stack (tests/synthetic) rendered at 112x80 and enlarged 3x: detail well below
// the sensor's sampling rate, as behind a camera's optical low-pass filter, so that the mosaic
// keeps what the TIFF frames show. At full-rate detail AHD loses ~9 dB (26.2 against 35.5 dB
// for 320x240 frames), at 2x still 2.9 dB; at 3x a developed frame is 44.5 dB from its TIFF twin.
struct RawScene {
    std::vector<cv::Mat> frames;  // CV_16UC3 sRGB
    cv::Mat ground_truth;
};
const RawScene& raw_scene() {
    static const RawScene scene = [] {
        fstack::synth::SceneOptions o;
        o.width = 112;
        o.height = 80;
        o.frames = 6;
        o.noise = 0.5;
        o.sixteen_bit = true;
        const auto& s = fstack::test::cached_stack(o);
        RawScene r;
        auto enlarge = [](const cv::Mat& m) {
            cv::Mat big;
            cv::resize(m, big, cv::Size(), 3, 3, cv::INTER_CUBIC);
            return big;
        };
        for (const cv::Mat& f : s.frames) r.frames.push_back(enlarge(f));
        r.ground_truth = enlarge(s.scene.ground_truth);
        return r;
    }();
    return scene;
}

// Frame i as 16-bit TIFF into tif/ and as DNG (the same linear light, mosaicked) into dng/.
void write_both(const fs::path& dir) {
    fs::create_directories(dir / "tif");
    fs::create_directories(dir / "dng");
    const auto& frames = raw_scene().frames;
    for (size_t i = 0; i < frames.size(); ++i) {
        const std::string stem = "f" + std::to_string(i);
        ASSERT_TRUE(cv::imwrite((dir / "tif" / (stem + ".tif")).string(), frames[i]));
        fstack::test::write_dng(dir / "dng" / (stem + ".dng"), fstack::test::srgb_to_linear(frames[i]));
    }
}

void set_lens(const fs::path& p) {
    auto image = Exiv2::ImageFactory::open(p.string());
    image->readMetadata();
    Exiv2::ExifData exif = image->exifData();
    exif["Exif.Photo.LensModel"] = "Synthetic Macro 100mm";
    exif["Exif.Photo.ExposureTime"] = Exiv2::URational(1, 125);
    image->setExifData(exif);
    image->writeMetadata();
}

cv::Mat linear_to_srgb16(const cv::Mat& linear16) {
    cv::Mat out = linear16.clone();
    out.forEach<cv::Vec3w>([](cv::Vec3w& p, const int*) {
        for (int c = 0; c < 3; ++c)
            p[c] = cv::saturate_cast<ushort>(65535 * fstack::kernels::srgb_encode(p[c] / 65535.0));
    });
    return out;
}

class RawStack : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir("fstack-raw-cli");
        write_both(dir_->path());
        set_lens(dir_->path() / "dng" / "f0.dng");
        const CommandResult r = fstack_cli({"stack", (dir_->path() / "tif").string(), "-o", tif_result().string()});
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    static void TearDownTestSuite() { delete dir_; }
    static fs::path tif_result() { return dir_->path() / "from_tif.tif"; }
    static TempDir* dir_;
};
TempDir* RawStack::dir_ = nullptr;

// The DNG stack, developed sRGB-encoded, comes within 1 dB (PSNR against the scene) of the
// same frames stacked as 16-bit TIFF.
TEST_F(RawStack, WithinOneDbOfTheTiffStack) {
    const fs::path out = dir_->path() / "from_dng_srgb.tif";
    const CommandResult r =
        fstack_cli({"stack", (dir_->path() / "dng").string(), "-o", out.string(), "--raw-space", "srgb"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Mat raw = cv::imread(out.string(), cv::IMREAD_UNCHANGED), tif = cv::imread(tif_result().string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(raw.type(), CV_16UC3);
    const cv::Mat& truth = raw_scene().ground_truth;
    const double p_raw = fstack::synth::psnr(truth, raw), p_tif = fstack::synth::psnr(truth, tif);
    fstack::test::report("psnr_raw_srgb", p_raw);
    {
        fstack::FileFrameSource dng({dir_->path() / "dng" / "f0.dng"});
        fstack::RawOptions o;
        o.space = fstack::RawSpace::Srgb;
        dng.set_raw_options(o);
        const cv::Mat dev = dng.frame(0);
        fstack::test::report("psnr_developed_frame0_vs_tiff_frame0", fstack::synth::psnr(raw_scene().frames[0], dev));
    }
    fstack::test::report("psnr_tiff16", p_tif);
    EXPECT_GT(p_raw, p_tif - 1.0);
    EXPECT_LT(p_raw, p_tif + 1.0);
}

// Default for a TIFF result: stacked in linear light, written linear with a linear sRGB ICC
// profile, the first raw's EXIF (lens, exposure) kept and none of its DNG/CFA tags (the result
// is a plain TIFF, not a raw).
TEST_F(RawStack, TiffResultIsLinearWithProfileAndExif) {
    const fs::path out = dir_->path() / "from_dng_linear.tif";
    const CommandResult r = fstack_cli({"stack", (dir_->path() / "dng").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(fstack::sniff_format(out), fstack::FileFormat::Tiff);
    const cv::Mat linear = cv::imread(out.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(linear.type(), CV_16UC3);
    const double p_lin = fstack::synth::psnr(raw_scene().ground_truth, linear_to_srgb16(linear));
    const double p_tif = fstack::synth::psnr(raw_scene().ground_truth, cv::imread(tif_result().string(), cv::IMREAD_UNCHANGED));
    fstack::test::report("psnr_raw_linear_encoded", p_lin);
    // Stacked in linear light the pyramid blends differently: measured 29.6 dB against 29.9
    // for the same frames stacked sRGB-encoded and 30.9 for the TIFF stack.
    EXPECT_GT(p_lin, p_tif - 2.0);
    auto image = Exiv2::ImageFactory::open(out.string());
    image->readMetadata();
    ASSERT_TRUE(image->iccProfileDefined());
    const std::string icc = fstack::test::file_bytes(out);  // the profile's description, in the file
    EXPECT_TRUE(contains(icc, "Linear sRGB (fstack)"));
    const Exiv2::ExifData& exif = image->exifData();
    const auto lens = exif.findKey(Exiv2::ExifKey("Exif.Photo.LensModel"));
    ASSERT_NE(lens, exif.end());
    EXPECT_EQ(lens->toString(), "Synthetic Macro 100mm");
    const auto make = exif.findKey(Exiv2::ExifKey("Exif.Image.Make"));
    ASSERT_NE(make, exif.end());
    EXPECT_EQ(make->toString(), "fstack");
    EXPECT_EQ(exif.findKey(Exiv2::ExifKey("Exif.Image.DNGVersion")), exif.end());
    EXPECT_EQ(exif.findKey(Exiv2::ExifKey("Exif.Image.CFAPattern")), exif.end());
}

// A JPEG result (auto: sRGB-encoded) is as bright as the TIFF stack, not a dark linear picture.
TEST_F(RawStack, JpegResultIsSrgbEncoded) {
    const fs::path out = dir_->path() / "from_dng.jpg";
    const CommandResult r = fstack_cli({"stack", (dir_->path() / "dng").string(), "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Scalar jpg = cv::mean(cv::imread(out.string())), tif = cv::mean(cv::imread(tif_result().string(), cv::IMREAD_UNCHANGED));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(jpg[c], tif[c] / 257, 3.0) << c;
}

// --raw-exposure -1 halves the linear values of every frame.
TEST_F(RawStack, ExposureOptionScalesTheResult) {
    const fs::path a = dir_->path() / "ev0.tif", b = dir_->path() / "ev-1.tif";
    const std::string frames = (dir_->path() / "dng").string();
    ASSERT_EQ(fstack_cli({"stack", frames, "-o", a.string(), "--raw-space", "linear"}).exit_code, 0);
    const CommandResult r = fstack_cli({"stack", frames, "-o", b.string(), "--raw-exposure", "-1"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const cv::Scalar ma = cv::mean(cv::imread(a.string(), cv::IMREAD_UNCHANGED)),
                     mb = cv::mean(cv::imread(b.string(), cv::IMREAD_UNCHANGED));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(mb[c] / ma[c], 0.5, 0.01) << c;
}

// Raw frames among JPEG frames: exit 3 naming the JPEG frame and --allow-mixed; with it, stacked.
TEST_F(RawStack, MixedWithJpegRefusedUnlessAllowed) {
    TempDir mixed("fstack-raw-mixed");
    fs::copy_file(dir_->path() / "dng" / "f0.dng", mixed / "a.dng");
    fs::copy_file(dir_->path() / "dng" / "f1.dng", mixed / "b.dng");
    cv::Mat jpeg;
    raw_scene().frames[2].convertTo(jpeg, CV_8U, 1.0 / 257);
    ASSERT_TRUE(cv::imwrite((mixed / "c.jpg").string(), jpeg));
    const fs::path out = mixed / "out.tif";
    const CommandResult r = fstack_cli({"stack", mixed.path().string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (mixed / "c.jpg").string() +
                                       ": frame 3: a JPEG frame among raw frames (a.dng): their tone curves "
                                       "differ; use --allow-mixed to stack them anyway"))
        << r.output;
    EXPECT_FALSE(fs::exists(out));
    const CommandResult allowed = fstack_cli({"stack", mixed.path().string(), "-o", out.string(), "--allow-mixed"});
    EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
    EXPECT_TRUE(fs::exists(out));
}

// A damaged DNG: exit 3, the file and LibRaw's reason, no result left behind.
TEST_F(RawStack, DamagedRawIsExit3WithLibRawsReason) {
    TempDir bad("fstack-raw-bad");
    fs::copy_file(dir_->path() / "dng" / "f0.dng", bad / "a.dng");
    fs::copy_file(dir_->path() / "dng" / "f1.dng", bad / "b.dng");
    fstack::test::cut_dng_strip(bad / "b.dng");
    const fs::path out = bad / "out.tif";
    const CommandResult r = fstack_cli({"stack", bad.path().string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (bad / "b.dng").string())) << r.output;
    EXPECT_TRUE(contains(r.output, "cannot develop the raw file: Input/output error (LibRaw: unexpected end of file"))
        << r.output;
    EXPECT_FALSE(fs::exists(out));
}

// An unsupported raw: exit 3 before any work, LibRaw's reason.
TEST_F(RawStack, UnsupportedRawIsExit3BeforeAnyWork) {
    TempDir bad("fstack-raw-odd");
    fs::copy_file(dir_->path() / "dng" / "f0.dng", bad / "a.dng");
    fstack::test::DngOptions o;
    o.compression = 99;
    fstack::test::write_dng(bad / "b.dng", fstack::test::srgb_to_linear(raw_scene().frames[1]), o);
    const CommandResult r = fstack_cli({"stack", bad.path().string(), "-o", (bad / "out.tif").string()});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(contains(r.output, (bad / "b.dng").string() +
                                       ": frame 2: cannot develop the raw file: Unsupported file format or not RAW "
                                       "file (LibRaw)"))
        << r.output;
    EXPECT_FALSE(fs::exists(bad / "out.tif"));
}

// fstack batch: raw options accepted, the result a .tif (no raw writing), bad values refused.
TEST_F(RawStack, BatchTakesTheRawOptions) {
    const fs::path out = dir_->path() / "batch";
    const CommandResult r = fstack_cli({"batch", (dir_->path() / "dng").string(), "-o", out.string(), "--stack-size",
                                        "6", "--raw-wb", "daylight", "--raw-space", "srgb"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(fs::exists(out / "f0.tif")) << r.output;
    const cv::Mat batch = cv::imread((out / "f0.tif").string(), cv::IMREAD_UNCHANGED);
    const double p_tif = fstack::synth::psnr(raw_scene().ground_truth, cv::imread(tif_result().string(), cv::IMREAD_UNCHANGED));
    EXPECT_GT(fstack::synth::psnr(raw_scene().ground_truth, batch), p_tif - 1.0);
    const CommandResult bad = fstack_cli({"batch", (dir_->path() / "dng").string(), "-o", out.string(), "--raw-wb", "tungsten"});
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_TRUE(contains(bad.output, "--raw-wb")) << bad.output;
}

// Job files: raw_space, raw_exposure and raw_wb keys; a bad value names the key.
TEST_F(RawStack, JobFileTakesTheRawKeys) {
    TempDir job_dir("fstack-raw-job");
    fs::copy(dir_->path() / "dng", job_dir / "src");
    const fs::path job = job_dir / "job.toml";
    std::ofstream(job) << "[job]\nname = \"t\"\nworking_path = \".\"\ninput_path = \"src\"\n"
                          "[[action]]\ntype = \"FocusStack\"\nname = \"out\"\nraw_space = \"srgb\"\n"
                          "raw_exposure = 0.0\nraw_wb = \"as-shot\"\nstacker = { type = \"PyramidStack\" }\n";
    fstack::load_job_file(job)->run();
    const fs::path result = job_dir / "out" / "f0.tif";
    ASSERT_TRUE(fs::exists(result));
    const cv::Mat stacked = cv::imread(result.string(), cv::IMREAD_UNCHANGED);
    const double p_tif = fstack::synth::psnr(raw_scene().ground_truth, cv::imread(tif_result().string(), cv::IMREAD_UNCHANGED));
    EXPECT_GT(fstack::synth::psnr(raw_scene().ground_truth, stacked), p_tif - 1.0);
    std::ofstream(job) << "[job]\nname = \"t\"\nworking_path = \".\"\ninput_path = \"src\"\n"
                          "[[action]]\ntype = \"FocusStack\"\nname = \"out2\"\nraw_space = \"log\"\n"
                          "stacker = { type = \"PyramidStack\" }\n";
    const fstack::Error e = fstack::test::expect_error([&] { fstack::load_job_file(job); });
    EXPECT_EQ(e.kind(), fstack::ErrorKind::Usage);
    EXPECT_TRUE(contains(e.what(), "raw_space")) << e.what();
}

}  // namespace
