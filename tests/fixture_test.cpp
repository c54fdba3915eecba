// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI on the real stack that ships in the repo (tests/data/stacks/pcb_usb_petteri, MIT).
#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::TempDir;

const fs::path kStack = fstack::test::test_data() / "stacks" / "pcb_usb_petteri";

// Variance of the Laplacian per 64x64 tile of the luma: a local sharpness measure.
std::vector<double> tile_sharpness(const cv::Mat& bgr) {
    cv::Mat grey, lap;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, lap, CV_64F, 3);
    std::vector<double> out;
    for (int y = 0; y + 64 <= lap.rows; y += 64)
        for (int x = 0; x + 64 <= lap.cols; x += 64) {
            cv::Scalar mean, dev;
            cv::meanStdDev(lap(cv::Rect(x, y, 64, 64)), mean, dev);
            out.push_back(dev[0] * dev[0]);
        }
    return out;
}

// Share of tiles where the result is at least `factor` times as sharp as the sharpest frame
// there: a stack that picked the wrong frames, or blurred, loses tiles.
double share_of_sharp_tiles(const cv::Mat& result, const std::vector<fs::path>& frames, double factor) {
    const std::vector<double> r = tile_sharpness(result);
    std::vector<double> best(r.size(), 0.0);
    for (const fs::path& f : frames) {
        const std::vector<double> s = tile_sharpness(fstack::read_image(f));
        for (size_t i = 0; i < s.size(); ++i) best[i] = std::max(best[i], s[i]);
    }
    int ok = 0;
    for (size_t i = 0; i < r.size(); ++i) ok += r[i] >= factor * best[i];
    return static_cast<double>(ok) / static_cast<double>(r.size());
}

std::string exif_value(const fs::path& file, const std::string& key) {
    auto image = Exiv2::ImageFactory::open(file.string());
    image->readMetadata();
    auto it = image->exifData().findKey(Exiv2::ExifKey(key));
    return it == image->exifData().end() ? std::string() : it->toString();
}

class PcbStack : public ::testing::TestWithParam<std::string> {};

TEST_P(PcbStack, SharpResultWithSourceExifAndInputsUntouched) {
    const auto frames = fstack::list_frames(kStack);
    ASSERT_EQ(frames.size(), 7u);
    std::vector<std::string> before;
    for (const auto& f : frames) before.push_back(fstack::test::file_bytes(f));

    TempDir out;
    const fs::path result = out / "pcb.jpg";
    const fs::path depth = out / "depth.png";
    const auto r = fstack::test::run_command(fstack::test::cli_path() + " stack " + kStack.string() +
                                             " -o " + result.string() + " --quiet --stacker " + GetParam() +
                                             " --depth-map " + depth.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "") << "--quiet prints nothing on success";

    const cv::Mat image = fstack::read_image(result);
    EXPECT_EQ(image.size(), cv::Size(2048, 1536));
    EXPECT_EQ(image.type(), CV_8UC3);
    // The frames of this stack are not aligned (focus breathing): until alignment runs, the
    // depth-map blend, which mixes neighbouring frames, is softer than the pyramid's selection.
    const bool pyramid = GetParam() == "pyramid";
    const double factor = pyramid ? 0.7 : 0.5;
    const double share = share_of_sharp_tiles(image, frames, factor);
    std::printf("[ measure  ] %s: %.1f%% of tiles at least %.1fx as sharp as the sharpest frame\n",
                GetParam().c_str(), 100 * share, factor);
    EXPECT_GE(share, pyramid ? 0.9 : 0.75);

    EXPECT_EQ(exif_value(result, "Exif.Image.Model"), "96650");
    EXPECT_EQ(exif_value(result, "Exif.Image.Orientation"), "1");

    const cv::Mat d = fstack::read_image(depth);
    EXPECT_EQ(d.size(), image.size());
    EXPECT_EQ(d.type(), CV_8UC1);
    double lo, hi;
    cv::minMaxLoc(d, &lo, &hi);
    EXPECT_LT(lo, 60) << "some of the board is sharpest in the first frames";
    EXPECT_GT(hi, 200) << "some of it in the last ones";

    for (size_t i = 0; i < frames.size(); ++i)
        EXPECT_EQ(fstack::test::file_bytes(frames[i]), before[i]) << frames[i] << " was modified";
}

INSTANTIATE_TEST_SUITE_P(Stackers, PcbStack, ::testing::Values("pyramid", "depthmap"));

}  // namespace
