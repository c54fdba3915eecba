// SPDX-License-Identifier: GPL-3.0-or-later
// The retouch document: result, masked frames and depth map as layers.
#include "fstack/retouch_layers.hpp"

#include "fstack/stack_frames.hpp"

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

#include <vector>

namespace fstack {
namespace fs = std::filesystem;

cv::Mat retouch_mask(const cv::Mat& depth_map, int index) {
    cv::Mat mask;
    cv::compare(depth_map, cv::Scalar(index), mask, cv::CMP_EQ);
    return mask;
}

std::string retouch_frame_name(int index, int count, const std::string& frame_name) {
    std::string name = "frame " + std::to_string(index + 1) + " of " + std::to_string(count);
    if (!frame_name.empty()) name += ": " + fs::path(frame_name).filename().string();
    return name;
}

void write_retouch_layers(const fs::path& path, LayerFormat format, FrameSource& frames,
                          const StackResult& result, const RetouchLayersOptions& options,
                          Progress& progress) {
    if (result.image.empty() || result.depth_map.empty())
        throw Error(ErrorKind::Internal, path.string(), -1, "retouch layers need the result and its depth map");
    const int n = frames.size();
    LayeredImageSpec spec;
    spec.width = result.image.cols;
    spec.height = result.image.rows;
    spec.depth = result.image.depth();
    spec.alpha = result.image.channels() == 4;
    spec.metadata_source = options.metadata_source;
    spec.compress = options.compress;
    spec.overwrite = options.overwrite;
    // What each layer index holds: -2 the depth map, -1 the result, k >= 0 frame k.
    std::vector<int> content;
    if (options.depth_map_layer) {
        spec.layers.push_back({"Depth map", false, false});
        content.push_back(-2);
    }
    const auto frame_layer = [&](int k, bool visible, bool mask) {
        spec.layers.push_back({retouch_frame_name(k, n, frames.frame_name(k)), visible, mask});
        content.push_back(k);
    };
    const bool masks = format_has_layer_masks(format);
    if (options.sharpest_masks) {
        for (int k = 0; k < n; ++k) frame_layer(k, true, true);
        spec.layers.push_back({options.result_name, true, false});
        content.push_back(-1);
    } else if (masks || format_has_hidden_layers(format)) {
        spec.layers.push_back({options.result_name, true, false});
        content.push_back(-1);
        // Nearest focus on top: the farthest goes in first. Where masks cannot be all black
        // (no masks: they would become a fully transparent alpha), the frames are hidden instead.
        for (int k = n - 1; k >= 0; --k) frame_layer(k, masks, masks);
        if (!masks)
            progress.warn(path.string() + ": " + layer_format_name(format) +
                          " has no layer masks: the retouch frames are hidden, opaque layers above the result (show "
                          "one and erase what you do not want); PSD keeps masks");
    } else {
        // Multi-page TIFF: neither masks nor hidden pages. The result stays on top, so that the
        // file opens showing it; the frames lie under it, nearest focus first from the top.
        for (int k = n - 1; k >= 0; --k) frame_layer(k, true, false);
        spec.layers.push_back({options.result_name, true, false});
        content.push_back(-1);
        progress.warn(path.string() + ": " + layer_format_name(format) +
                      " has neither layer masks nor hidden layers: the retouch frames lie under the result (erase "
                      "the result where a frame should show); PSD keeps masks");
    }

    const cv::Mat black = cv::Mat::zeros(result.image.size(), CV_8U);
    const LayerSource source = [&](int index) -> LayerPixels {
        const int what = content.at(size_t(index));
        if (what == -2) return {depth_map_image(result.depth_map, n, spec.depth), {}};
        if (what == -1) return {result.image, {}};
        if (options.sharpest_masks) return {frames.frame(what), retouch_mask(result.depth_map, what)};
        return {frames.frame(what), masks ? black : cv::Mat()};
    };
    write_layered_file(path, format, spec, source, progress);
}

}  // namespace fstack
