// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The retouch document: the fused result on top and, under it, every source frame with a layer
// mask that is white where that frame is the sharpest (from the stacker's depth map), so that
// painting a mask brings detail back from a frame. The depth map is a hidden layer at the
// bottom. Frames are read again from their source one at a time (never all in memory).
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "fstack/layers.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack {

struct RetouchLayersOptions {
    std::filesystem::path metadata_source;  // EXIF/XMP/ICC (empty: none)
    bool depth_map_layer = true;            // hidden "Depth map" layer at the bottom
    bool compress = false;
    bool overwrite = true;
    std::string result_name = "Focus stack";
};

// The mask of frame `index`: 255 where depth_map == index, else 0 (CV_8U).
cv::Mat retouch_mask(const cv::Mat& depth_map, int index);

// depth_map_image(), the grey depth map layer, is in job.hpp.

// Writes the document. Layer names: the result's, "Depth map", and each frame's file name (or
// "Frame N" for frames without one). Layers, bottom first: depth map, frame 0 .. frame N-1,
// result. Formats without masks get each frame with its mask as alpha (and a note).
void write_retouch_layers(const std::filesystem::path& path, LayerFormat format,
                          FrameSource& frames, const StackResult& result,
                          const RetouchLayersOptions& options = {},
                          Progress& progress = null_progress());

}  // namespace fstack
