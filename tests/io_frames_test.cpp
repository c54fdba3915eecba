// SPDX-License-Identifier: GPL-3.0-or-later
// Frame lists: natural order of file names, a folder's frames (sidecars, hidden files and
// sub-folders skipped with warnings), command-line inputs expanded.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "io_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::io;

// ---------------------------------------------------------------------------------------------
// Natural order and frame listing

TEST(NaturalLess, NumbersCompareByValue) {
    using fstack::natural_less;
    EXPECT_TRUE(natural_less("frame_2", "frame_10"));
    EXPECT_FALSE(natural_less("frame_10", "frame_2"));
    EXPECT_TRUE(natural_less("frame_1", "frame_02"));
    EXPECT_TRUE(natural_less("frame_02", "frame_3"));
    EXPECT_TRUE(natural_less("frame_1", "frame_3"));
    EXPECT_TRUE(natural_less("IMG_9.jpg", "IMG_0010.jpg"));
    EXPECT_TRUE(natural_less("a", "B"));          // case-insensitive
    EXPECT_TRUE(natural_less("img1_2", "img1_10"));
    EXPECT_TRUE(natural_less("img9_5", "img10_1"));
    EXPECT_TRUE(natural_less("frame", "frame_1"));  // prefix first
    EXPECT_FALSE(natural_less("frame_7", "frame_7"));  // irreflexive
    // "1" and "01" have the same value; the order is still strict and total.
    EXPECT_NE(natural_less("frame_1", "frame_01"), natural_less("frame_01", "frame_1"));

    std::vector<std::string> names = {"f_10.tif", "f_1.tif", "f_100.tif", "f_02.tif", "F_3.tif", "f_20.tif"};
    std::sort(names.begin(), names.end(), natural_less);
    EXPECT_EQ(names, (std::vector<std::string>{"f_1.tif", "f_02.tif", "F_3.tif", "f_10.tif", "f_20.tif", "f_100.tif"}));
}

class RecordingProgress : public fstack::Progress {
public:
    void log(fstack::LogLevel level, const std::string& message) override {
        (level == fstack::LogLevel::Warning ? warnings : others).push_back(message);
    }
    std::vector<std::string> warnings, others;
};

TEST(ListFrames, NaturalOrderSkippingSidecarsAndHiddenFiles) {
    TempDir dir;
    const cv::Mat image = full_range_image(8, 8, CV_8U, 3);
    for (const char* n : {"frame_10.png", "frame_2.png", "frame_1.png", "frame_02b.tif"})
        fstack::write_image(dir / n, image);
    fstack::write_image(dir / "frame_3.jpg", image);
    fstack::write_image(dir / ".hidden_0.png", image);  // a real image, but hidden: not a frame
    write_bytes(dir / "notes.txt", "focus rail 5 um\n");
    write_bytes(dir / "frame_1.xmp", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>\n");
    write_bytes(dir / "Thumbs.db", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0'));
    fs::create_directory(dir / "sub.png");  // a folder named like an image is not a frame

    RecordingProgress progress;
    const auto frames = fstack::list_frames(dir.path(), progress);
    std::vector<std::string> names;
    for (const auto& f : frames) names.push_back(f.filename().string());
    EXPECT_EQ(names, (std::vector<std::string>{"frame_1.png", "frame_2.png", "frame_02b.tif", "frame_3.jpg",
                                               "frame_10.png"}));
    for (const auto& f : frames) EXPECT_EQ(f.parent_path(), dir.path());

    ASSERT_EQ(progress.warnings.size(), 3u) << ::testing::PrintToString(progress.warnings);
    for (const char* skipped : {"notes.txt", "frame_1.xmp", "Thumbs.db"}) {
        const bool named = std::any_of(progress.warnings.begin(), progress.warnings.end(),
                                       [&](const std::string& w) { return contains(w, skipped); });
        EXPECT_TRUE(named) << "no warning names " << skipped;
    }
    for (const auto& w : progress.warnings) EXPECT_FALSE(contains(w, ".hidden_0.png")) << w;
}

TEST(ListFrames, EmptyFolderGivesNoFrames) {
    TempDir dir;
    EXPECT_TRUE(fstack::list_frames(dir.path()).empty());
}

TEST(ExpandInputs, FoldersBecomeFramesFilesKeepOrder) {
    TempDir dir;
    fs::create_directory(dir / "stack");
    const cv::Mat image = full_range_image(8, 8, CV_8U, 1);
    for (const char* n : {"b10.png", "b9.png"}) fstack::write_image(dir / "stack" / n, image);
    fstack::write_image(dir / "z.png", image);
    fstack::write_image(dir / "a.png", image);
    const auto out = fstack::expand_inputs({dir / "z.png", dir / "stack", dir / "a.png"});
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].filename(), "z.png");
    EXPECT_EQ(out[1].filename(), "b9.png");
    EXPECT_EQ(out[2].filename(), "b10.png");
    EXPECT_EQ(out[3].filename(), "a.png");
    const Error e = expect_error([&] { fstack::expand_inputs({dir / "missing.png"}); });
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_TRUE(contains(e.what(), "missing.png")) << e.what();
}

}  // namespace
