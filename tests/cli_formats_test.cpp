// SPDX-License-Identifier: GPL-3.0-or-later
// Formats through the fstack executable: TIFF layouts stack like their chunky unsigned RGB
// twins, grey+alpha PNG works in every stacker, noise-map and layers, CMYK results are RGB
// without the CMYK profile, large depthmap smoothing works, and valid files fstack does not
// read are "unsupported: <what it is>" (exit 3), never "damaged".
#include <sys/stat.h>

#include <fstream>

#include "cli_test_support.hpp"
#include "layout_files.hpp"

namespace {

using namespace fstack::test::cli;
using fstack::test::TiffColour;
using fstack::test::TiffLayout;

// Frames of make_stack's scene as 4-channel BGRA with a varying alpha, at `depth`.
std::vector<cv::Mat> bgra_frames(int n, int depth) {
    std::vector<cv::Mat> out;
    const cv::Mat sharp = scene();
    for (int k = 0; k < n; ++k) {
        cv::Mat f = frame_of(sharp, k, n), bgra;
        cv::cvtColor(f, bgra, cv::COLOR_BGR2BGRA);
        std::vector<cv::Mat> ch;
        cv::split(bgra, ch);
        ch[3] = ch[1] / 2 + 128;  // alpha varies, above half
        cv::merge(ch, bgra);
        if (depth == CV_16U) bgra.convertTo(bgra, CV_16U, 257.0);
        out.push_back(bgra);
    }
    return out;
}

CommandResult stack(const fs::path& in, const fs::path& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"stack", in.string(), "-o", out.string(), "--align", "none", "--balance", "none"};
    args.insert(args.end(), extra.begin(), extra.end());
    return fstack_cli(args);
}

struct TwinCase {
    TiffLayout layout;
    TiffLayout twin;
};

class TiffLayoutStacks : public ::testing::TestWithParam<TwinCase> {};

// The layout's frames and their twin's stack to the same result, bit for bit.
TEST_P(TiffLayoutStacks, LikeItsChunkyUnsignedTwin) {
    const TwinCase c = GetParam();
    TempDir dir;
    const int depth = c.layout.bits == 16 ? CV_16U : CV_8U;
    auto frames = bgra_frames(3, depth);
    if (c.layout.colour == TiffColour::GreyAlpha)  // the twin is RGBA with grey in R, G and B
        for (cv::Mat& f : frames) {
            std::vector<cv::Mat> ch;
            cv::split(f, ch);
            cv::merge(std::vector<cv::Mat>{ch[0], ch[0], ch[0], ch[3]}, f);
        }
    for (int k = 0; k < 3; ++k) {
        fs::create_directories(dir / "layout");
        fs::create_directories(dir / "twin");
        const std::string name = "f" + std::to_string(k) + ".tif";
        fstack::test::write_tiff_layout(dir / "layout" / name, frames[size_t(k)], c.layout);
        fstack::test::write_tiff_layout(dir / "twin" / name, frames[size_t(k)], c.twin);
    }
    const CommandResult a = stack(dir / "layout", dir / "a.tif"), b = stack(dir / "twin", dir / "b.tif");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    ASSERT_EQ(b.exit_code, 0) << b.output;
    const cv::Mat ra = read_back(dir / "a.tif"), rb = read_back(dir / "b.tif");
    ASSERT_EQ(ra.type(), rb.type());
    EXPECT_EQ(ra.depth(), depth) << "a " << c.layout.bits << "-bit stack must give a " << c.layout.bits << "-bit result";
    EXPECT_EQ(cv::norm(ra, rb, cv::NORM_INF), 0.0);
}

std::vector<TwinCase> twin_cases() {
    std::vector<TwinCase> out;
    TiffLayout rgb16;
    rgb16.bits = 16;
    TiffLayout L = rgb16;
    L.separate = true; out.push_back({L, rgb16});
    L = rgb16; L.is_signed = true; out.push_back({L, rgb16});
    L = rgb16; L.big = true; out.push_back({L, rgb16});
    L = rgb16; L.tiled = true; L.separate = true; L.compression = 8; out.push_back({L, rgb16});
    TiffLayout rgba16 = rgb16;
    rgba16.colour = TiffColour::Rgba;
    L = rgba16; L.separate = true; out.push_back({L, rgba16});
    TiffLayout ga16 = rgb16, ga_twin = rgba16;
    ga16.colour = TiffColour::GreyAlpha;
    ga_twin.colour = TiffColour::Rgba;  // grey in all three colour channels
    out.push_back({ga16, ga_twin});
    L = ga16; L.separate = true; L.is_signed = true; out.push_back({L, ga_twin});
    TiffLayout cmyk = rgb16;
    cmyk.colour = TiffColour::Cmyk;
    out.push_back({cmyk, rgb16});
    return out;
}

INSTANTIATE_TEST_SUITE_P(Layouts, TiffLayoutStacks, ::testing::ValuesIn(twin_cases()),
                         [](const auto& info) { return info.param.layout.name(); });

// Grey+alpha frames give the result of the same frames as RGBA (grey in R, G and B), as a
// 16-bit result for 16-bit frames.
TEST(CliGreyAlphaPng, EveryStackerAsItsRgbaTwin) {
    for (int depth : {CV_8U, CV_16U})
        for (const std::string stacker : {"pyramid", "depthmap", "focusmeasure"}) {
            TempDir dir;
            fs::create_directories(dir / "ga");
            fs::create_directories(dir / "rgba");
            const auto frames = bgra_frames(3, depth);
            for (int k = 0; k < 3; ++k) {
                std::vector<cv::Mat> ch;
                cv::split(frames[size_t(k)], ch);
                cv::Mat ga, rgba;
                cv::merge(std::vector<cv::Mat>{ch[1], ch[3]}, ga);
                cv::merge(std::vector<cv::Mat>{ch[1], ch[1], ch[1], ch[3]}, rgba);
                const std::string name = "f" + std::to_string(k) + ".png";
                fstack::test::write_grey_alpha_png(dir / "ga" / name, ga);
                ASSERT_TRUE(cv::imwrite((dir / "rgba" / name).string(), rgba));
            }
            const CommandResult a = stack(dir / "ga", dir / "a.png", {"--stacker", stacker});
            const CommandResult b = stack(dir / "rgba", dir / "b.png", {"--stacker", stacker});
            ASSERT_EQ(a.exit_code, 0) << stacker << ": " << a.output;
            ASSERT_EQ(b.exit_code, 0) << stacker << ": " << b.output;
            const cv::Mat ra = read_back(dir / "a.png"), rb = read_back(dir / "b.png");
            ASSERT_EQ(ra.type(), rb.type()) << stacker;
            EXPECT_EQ(ra.depth(), depth) << stacker;
            EXPECT_EQ(cv::norm(ra, rb, cv::NORM_INF), 0.0) << stacker;
            if (stacker == "pyramid") {
                const CommandResult n = fstack_cli({"noise-map", (dir / "ga").string(), "-o", (dir / "noise").string()});
                EXPECT_EQ(n.exit_code, 0) << n.output;
                EXPECT_TRUE(fs::exists(dir / "noise" / "hot-rgb.png")) << n.output;
                const CommandResult l = fstack_cli({"layers", (dir / "ga").string(), "-o", (dir / "l.tif").string()});
                EXPECT_EQ(l.exit_code, 0) << l.output;
                const fstack::test::ReadBack r = fstack::test::read_tiff_strictly(dir / "l.tif");
                EXPECT_EQ(r.pages, 3);
                EXPECT_EQ(r.bits, depth == CV_16U ? 16 : 8);
            }
        }
}

// Smoothing past the frame's size: weights of a constant blur are the frames' shares.
TEST(CliDepthMapSmoothing, LargerThanTheFrameWorks) {
    TempDir dir;
    make_stack(dir / "in", 3, ".png");
    for (const std::string size : {"800", "4096"}) {
        const fs::path out = dir / ("s" + size + ".png");
        const CommandResult r = stack(dir / "in", out, {"--stacker", "depthmap", "--smooth-size", size});
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_FALSE(contains(r.output, "OpenCV")) << r.output;
        const cv::Mat m = read_back(out);
        ASSERT_EQ(m.size(), cv::Size(kWidth, kHeight));
        // Every result pixel lies between the frames' darkest and brightest there (a blend).
        std::vector<cv::Mat> frames;
        for (const auto& e : fs::directory_iterator(dir / "in")) frames.push_back(read_back(e.path()));
        cv::Mat lo = frames[0].clone(), hi = frames[0].clone();
        for (const cv::Mat& f : frames) { lo = cv::min(lo, f); hi = cv::max(hi, f); }
        cv::Mat below, above;
        cv::compare(m, lo - 1, below, cv::CMP_LT);
        cv::compare(m, hi + 1, above, cv::CMP_GT);
        EXPECT_EQ(cv::countNonZero(below.reshape(1)) + cv::countNonZero(above.reshape(1)), 0) << size;
    }
}

// A CMYK JPEG with its profile: the result is RGB, converted through the profile, and carries no
// CMYK profile (an RGB file with one is refused by colour-managed tools).
TEST(CliCmyk, JpegWithProfileGivesRgbWithoutTheCmykProfile) {
    TempDir dir;
    fs::create_directories(dir / "in");
    const std::vector<unsigned char> icc = fstack::test::cmyk_test_profile();
    for (int k = 0; k < 2; ++k) {
        cv::Mat cmyk(64, 64, CV_8UC4, cv::Scalar(60, 20, 140, 30));
        fstack::test::write_cmyk_jpeg(dir / "in" / ("f" + std::to_string(k) + ".jpg"), cmyk, icc);
    }
    for (const std::string ext : {".jpg", ".png", ".tif"}) {
        const fs::path out = dir / ("out" + ext);
        const CommandResult r = stack(dir / "in", out);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const fstack::test::ReadBack b = ext == ".jpg" ? fstack::test::read_jpeg_strictly(out)
                                         : ext == ".png" ? fstack::test::read_png_strictly(out)
                                                         : fstack::test::read_tiff_strictly(out);
        EXPECT_EQ(b.channels, 3) << ext;
        EXPECT_TRUE(b.icc.empty() || std::string(b.icc.begin() + 16, b.icc.begin() + 20) != "CMYK") << ext;
        const cv::Mat m = read_back(out);
        const cv::Vec3b want = fstack::test::cmyk_test_profile_colour(60, 20, 140, 30);
        const cv::Vec3b got = m.at<cv::Vec3b>(32, 32);
        for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[i], want[i], 4) << ext << " channel " << i;
    }
}

// Valid files in formats fstack does not read, and paths that are not files.
TEST(CliUnsupported, NamedWithWhatTheyAre) {
    TempDir dir;
    const auto frames = make_stack(dir / "in", 2, ".jpg");
    // 12-bit JPEG: the frame header's precision byte says 12.
    std::string jpeg = fstack::test::file_bytes(frames[0]);
    for (size_t i = 2; i + 4 < jpeg.size(); ++i)
        if (uint8_t(jpeg[i]) == 0xFF && (uint8_t(jpeg[i + 1]) == 0xC0 || uint8_t(jpeg[i + 1]) == 0xC1)) {
            jpeg[i + 4] = 12;
            jpeg[i + 1] = char(0xC1);  // extended sequential, where 12 bits are allowed
            break;
        }
    fstack::test::write_bytes(dir / "twelve.jpg", jpeg);
    TiffLayout int32;
    int32.bits = 32;
    cv::Mat px(16, 16, CV_16UC4, cv::Scalar(1000, 2000, 3000, 65535));
    fstack::test::write_tiff_layout(dir / "int32.tif", px, int32);
    struct Case {
        std::vector<std::string> args;
        int exit;
        std::string file, message;  // the file named, then (after its frame index) the reason
    };
    ASSERT_EQ(mkfifo((dir / "pipe.jpg").c_str(), 0600), 0);
    fs::create_symlink("/dev/zero", dir / "zero.jpg");
    fs::create_directories(dir / "jobdir");
    const std::vector<Case> cases = {
        {{"stack", (dir / "twelve.jpg").string(), frames[1].string(), "-o", (dir / "o1.jpg").string()}, 3,
         "twelve.jpg", "unsupported: 12-bit JPEG"},
        {{"stack", (dir / "int32.tif").string(), frames[1].string(), "-o", (dir / "o2.jpg").string()}, 3,
         "int32.tif", "unsupported: 32-bit integer TIFF"},
        {{"stack", (dir / "pipe.jpg").string(), frames[1].string(), "-o", (dir / "o3.jpg").string()}, 3,
         "pipe.jpg", "a named pipe (FIFO), not a regular file"},
        {{"stack", (dir / "zero.jpg").string(), frames[1].string(), "-o", (dir / "o4.jpg").string()}, 3,
         "zero.jpg", "a symbolic link to a character device, not a regular file"},
        {{"run", (dir / "jobdir").string()}, 3, "jobdir", "a folder, not a job file"},
    };
    for (const Case& c : cases) {
        const CommandResult r = fstack_cli(c.args);
        EXPECT_EQ(r.exit_code, c.exit) << r.output;
        EXPECT_TRUE(contains(r.output, c.message)) << "want: " << c.message << "\ngot: " << r.output;
        EXPECT_TRUE(contains(r.output, c.file)) << r.output;
        for (const char* wrong : {"damaged", "corrupt", "broken", "empty", "not found", "OpenCV"})
            EXPECT_FALSE(contains(r.output, wrong)) << r.output;
    }
    // In a folder the link to a device is skipped with its name and kind.
    fs::remove(dir / "pipe.jpg");
    fs::rename(dir / "zero.jpg", dir / "in" / "zero.jpg");
    const CommandResult r = stack(dir / "in", dir / "o5.jpg");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "zero.jpg: a symbolic link to a character device, not a regular file")) << r.output;
    EXPECT_FALSE(contains(r.output, "broken")) << r.output;
}

// BigTIFF frames stack (fstack layers read them already).
TEST(CliUnsupported, BigTiffIsRead) {
    TempDir dir;
    fs::create_directories(dir / "in");
    TiffLayout big;
    big.big = true;
    const auto frames = bgra_frames(2, CV_8U);
    for (int k = 0; k < 2; ++k) fstack::test::write_tiff_layout(dir / "in" / ("f" + std::to_string(k) + ".tif"), frames[size_t(k)], big);
    const CommandResult r = stack(dir / "in", dir / "out.tif");
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

// A job file saved by Windows Notepad (UTF-8 with a byte-order mark) runs.
TEST(CliJobFile, ByteOrderMarkIsAccepted) {
    TempDir dir;
    make_stack(dir / "src", 2, ".png");
    std::ofstream(dir / "job.toml") << "\xEF\xBB\xBF[job]\nname = \"j\"\nworking_path = \".\"\ninput_path = \"src\"\n\n"
                                       "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\nstacker = { type = \"PyramidStack\" }\n";
    const CommandResult r = fstack_cli({"run", (dir / "job.toml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(names_in(dir / "stack").size(), 1u) << r.output;
}

}  // namespace
