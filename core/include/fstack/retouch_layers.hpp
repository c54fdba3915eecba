// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The retouch document, laid out as retouching works in Zerene Stacker and Helicon Focus (and in
// the GIMP plug-in): every source frame (as the stacker saw it: aligned, balanced) above the fused
// result under an all-black mask, the nearest focus (frame 0) on top, so that painting white on a
// frame's mask brushes that frame onto the result; the depth map is a hidden layer at the
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
    // Sharpest: each frame's mask white where the depth map chose it (under the result: an
    // exclusive partition, the layout of earlier versions) instead of all black.
    bool sharpest_masks = false;
};

// "frame 3 of 7: pcb_003.jpg" (index 2 of 7), or "frame 3 of 7" without a name.
std::string retouch_frame_name(int index, int count, const std::string& frame_name);

// The mask of frame `index`: 255 where depth_map == index, else 0 (CV_8U).
cv::Mat retouch_mask(const cv::Mat& depth_map, int index);

// depth_map_image(), the grey depth map layer, is in job.hpp.

// Writes the document. Layers, bottom first: "Depth map" (hidden), the result, then the frames
// from the farthest (frame N-1) to the nearest (frame 0, on top), named by retouch_frame_name().
// Formats without layer masks (multi-page TIFF, OpenRaster) get the frames as hidden, opaque
// layers instead (show one and erase what is not wanted; multi-page TIFF has no hidden layers
// either, so there they show). With sharpest_masks the old layout: depth map, frame 0 ..
// frame N-1 with their sharpest-frame masks (alpha where the format has no masks), result.
void write_retouch_layers(const std::filesystem::path& path, LayerFormat format,
                          FrameSource& frames, const StackResult& result,
                          const RetouchLayersOptions& options = {},
                          Progress& progress = null_progress());

}  // namespace fstack
