// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Small readers for the layered files fstack writes (and simple ones from other programs):
// multi-page TIFF, TIFF with Photoshop layer data, PSD (raw or PackBits), OpenRaster. They hold
// the whole file in memory: they serve tests and `fstack layers` inputs, not huge documents.
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack {

struct ReadLayer {
    std::string name;
    cv::Mat pixels;  // BGR or BGRA, CV_8U or CV_16U
    cv::Mat mask;    // one channel, the pixels' depth; empty if the layer has none
    bool visible = true;
};

struct LayeredImage {
    int width = 0, height = 0;
    std::vector<ReadLayer> layers;  // bottom layer first
    cv::Mat composite;              // PSD/Photoshop TIFF/ORA merged image; empty for plain TIFF
};

// Reads by content: "8BPS" -> PSD, a zip -> OpenRaster, TIFF -> pages as layers, or the
// Photoshop layers of tag 37724 when the first page has them. Throws Error(Input).
LayeredImage read_layered_file(const std::filesystem::path& path);

// True if the file is a PSD, an OpenRaster zip or a TIFF with more than one page or with
// Photoshop layer data.
bool is_layered_file(const std::filesystem::path& path);

}  // namespace fstack
