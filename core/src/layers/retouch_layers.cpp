// SPDX-License-Identifier: GPL-3.0-or-later
// The retouch document: result, masked frames and depth map as layers.
#include "fstack/retouch_layers.hpp"

#include "fstack/stack_frames.hpp"

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {
namespace fs = std::filesystem;

cv::Mat retouch_mask(const cv::Mat& depth_map, int index) {
    cv::Mat mask;
    cv::compare(depth_map, cv::Scalar(index), mask, cv::CMP_EQ);
    return mask;
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
    const int first_frame = options.depth_map_layer ? 1 : 0;
    if (options.depth_map_layer) spec.layers.push_back({"Depth map", false, false});
    for (int i = 0; i < n; ++i) {
        const std::string file = frames.frame_name(i);
        spec.layers.push_back({file.empty() ? "Frame " + std::to_string(i + 1) : fs::path(file).filename().string(),
                               true, true});
    }
    spec.layers.push_back({options.result_name, true, false});

    const LayerSource source = [&](int index) -> LayerPixels {
        if (index < first_frame) return {depth_map_image(result.depth_map, n, spec.depth), {}};
        const int frame = index - first_frame;
        if (frame < n) return {frames.frame(frame), retouch_mask(result.depth_map, frame)};
        return {result.image, {}};
    };
    write_layered_file(path, format, spec, source, progress);
}

}  // namespace fstack
