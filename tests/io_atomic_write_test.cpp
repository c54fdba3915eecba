// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic writes: a failed write leaves neither the target nor a temporary; no-overwrite keeps the
// existing file, even one that appears while ours is being written.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include <opencv2/imgcodecs.hpp>

#include "fstack/atomic_file.hpp"
#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "io_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::io;

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---------------------------------------------------------------------------------------------
// Atomic writes

std::vector<std::string> temporaries_in(const fs::path& dir) {
    std::vector<std::string> left;
    for (const auto& n : names_in(dir))
        if (contains(n, "fstack-tmp")) left.push_back(n);
    return left;
}

TEST(AtomicWrite, MissingFolderIsOutputErrorAndLeavesNothing) {
    TempDir dir;
    const fs::path folder = dir / "not-there";
    const Error e = expect_error([&] { fstack::write_image(folder / "out.png", smooth_image(8, 8)); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), folder.string())) << e.what();
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(AtomicWrite, NoOverwriteKeepsTheExistingFile) {
    TempDir dir;
    const fs::path p = dir / "keep.png";
    fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 1));
    const std::string before = fstack::test::file_bytes(p);
    fstack::WriteOptions o;
    o.overwrite = false;
    const Error e = expect_error([&] { fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 2), o); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_EQ(fstack::test::file_bytes(p), before);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"keep.png"});

    // The default replaces it, and a new name is fine with overwrite=false.
    fstack::write_image(p, full_range_image(16, 16, CV_8U, 3, 2));
    EXPECT_NE(fstack::test::file_bytes(p), before);
    fstack::write_image(dir / "new.png", full_range_image(16, 16, CV_8U, 3, 2), o);
    EXPECT_TRUE(fs::exists(dir / "new.png"));
}

// A file that appears at the target while ours is being written (another run, a user) is never
// replaced without overwrite: the rename itself refuses it (issue 13's race). With overwrite it is.
TEST(AtomicWrite, ATargetThatAppearsDuringTheWriteIsNotReplaced) {
    TempDir dir;
    const fs::path p = dir / "race.png";
    const auto intruding_write = [&](const fs::path& tmp) {
        fstack::test::write_bytes(p, "someone else's file");
        cv::imwrite(tmp.string(), full_range_image(16, 16, CV_8U, 3, 1));
    };
    const Error e = expect_error([&] { fstack::write_atomically(p, intruding_write, /*overwrite=*/false); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "appeared")) << e.what();
    EXPECT_EQ(fstack::test::file_bytes(p), "someone else's file");
    EXPECT_TRUE(temporaries_in(dir.path()).empty());

    fstack::write_atomically(p, intruding_write, /*overwrite=*/true);
    EXPECT_NE(fstack::test::file_bytes(p), "someone else's file");
    EXPECT_TRUE(temporaries_in(dir.path()).empty());
}

TEST(AtomicWrite, NoTemporariesRemain) {
    TempDir dir;
    const fs::path source = dir / "src.jpg";
    fstack::write_image(source, smooth_image(32, 32));
    add_metadata(source);
    fstack::WriteOptions meta;
    meta.metadata_source = source;
    for (const char* n : {"a.png", "b.tif", "c.jpg", "d.tiff", "e.jpeg"}) {
        fstack::write_image(dir / n, smooth_image(32, 32));
        fstack::write_image(dir / n, smooth_image(32, 32), meta);  // replaces, with exiv2 at work
    }
    // An encoder failure half-way (libjpeg refuses images wider than 65500 pixels after the
    // temporary file was opened) must leave neither the target nor the temporary.
    const Error e = expect_error([&] { fstack::write_image(dir / "f.jpg", cv::Mat(2, 70000, CV_8UC1, cv::Scalar(9))); });
    EXPECT_EQ(e.kind(), ErrorKind::Output);
    EXPECT_TRUE(contains(e.what(), "f.jpg")) << e.what();
    EXPECT_TRUE(temporaries_in(dir.path()).empty()) << ::testing::PrintToString(temporaries_in(dir.path()));
    EXPECT_FALSE(fs::exists(dir / "f.jpg"));
    EXPECT_EQ(names_in(dir.path()),
              (std::vector<std::string>{"a.png", "b.tif", "c.jpg", "d.tiff", "e.jpeg", "src.jpg"}));
}

TEST(AtomicWrite, NonImageMetadataSourceIsIgnored) {
    TempDir dir;
    // A metadata source without readable metadata is not an error: there is nothing to copy.
    const fs::path text = dir / "notes.txt";
    write_bytes(text, "not an image");
    fstack::WriteOptions o;
    o.metadata_source = text;
    fstack::write_image(dir / "ok.png", smooth_image(16, 16), o);
    EXPECT_TRUE(fs::exists(dir / "ok.png"));
    EXPECT_TRUE(temporaries_in(dir.path()).empty());
}

}  // namespace
