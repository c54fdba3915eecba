// SPDX-License-Identifier: GPL-3.0-or-later
// The MultiLayer action: folders of results into one layered file, the last folder on top.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/job.hpp"
#include "fstack/layered_read.hpp"
#include "fstack/layers.hpp"
#include "fstack/multilayer.hpp"
#include "layers_test_support.hpp"
#include "test_util.hpp"

namespace {
using namespace fstack::test::layers;

TEST(MultiLayerAction, StacksFoldersLastFolderOnTop) {
    TempDir dir;
    fs::create_directories(dir / "batches");
    fs::create_directories(dir / "stack");
    std::vector<cv::Mat> images;
    for (int i = 0; i < 3; ++i) images.push_back(noise_image(24, 18, CV_16UC3, 20 + i));
    write_image(dir / "batches" / "b_2.tif", images[0]);
    write_image(dir / "batches" / "b_10.tif", images[1]);
    write_image(dir / "stack" / "result.tif", images[2]);
    StackJob job("job", dir.path(), "batches");
    MultiLayerOptions opt;
    opt.input_path = {"batches", "stack"};
    opt.format = LayerFormat::Psd;
    job.add_action(std::make_unique<MultiLayer>("multilayer", opt));
    job.run();
    const fs::path out = dir / "multilayer" / "result.psd";
    ASSERT_TRUE(fs::exists(out));
    const LayeredImage back = read_layered_file(out);
    ASSERT_EQ(back.layers.size(), 3u);
    // Bottom first: the batches in reverse natural order (b_2 highest of them), then the result.
    EXPECT_EQ(back.layers[0].name, "b_10");
    EXPECT_EQ(back.layers[1].name, "b_2");
    EXPECT_EQ(back.layers[2].name, "result");
    EXPECT_TRUE(same(back.layers[2].pixels, images[2]));
    EXPECT_TRUE(same(back.layers[0].pixels, images[1]));
}

}  // namespace
