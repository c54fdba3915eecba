// SPDX-License-Identifier: GPL-3.0-or-later
#include "align_layers.hpp"

#include "frame_actions.hpp"
#include "fstack/error.hpp"
#include "fstack/stack_frames.hpp"
#include "host_progress.hpp"
#include "layer_frames.hpp"
#include "stack_layers.hpp"

namespace fstack::gimp {

LayerId align_layers(Host& host, const ParamValues& v) {
    if (!have_frame_actions())
        throw Error(ErrorKind::Usage, "this build of the plug-in has no alignment (core without AlignFrames)");
    validate(align_params(), v);
    const ImageInfo info = host.image();
    std::vector<LayerInfo> layers = frame_layers(host, v, "Align Layers");
    LayerFrameSource source(host, layers, info);
    HostProgress progress(host, 0.0, 0.9);
    const FramePipeline pipeline = frame_pipeline(v);
    if (pipeline.empty()) {  // nothing asked for: nothing to change, and the user is told
        host.message("Align Layers: alignment, balance and vignetting are all off (Alignment: None); "
                     "the layers were not changed.");
        return kNoLayer;
    }
    const std::shared_ptr<FrameSource> aligned = process_frames(source, pipeline, progress);

    // Every frame is computed before the first layer changes: a cancel leaves the image as it was.
    std::vector<cv::Mat> pixels;
    for (int k = 0; k < aligned->size(); ++k)
        pixels.push_back(to_host_pixels(aligned->frame(k), cv::Mat()));  // whole: borders filled
    // The rectangle every aligned layer covers (the geometry is known once the frames are read).
    cv::Rect crop;
    auto* processed = dynamic_cast<ProcessedFrameSource*>(aligned.get());
    if (v.at("crop") != 0 && processed && processed->geometry()) {
        const cv::Rect all(0, 0, info.width, info.height), covered = covered_area(*processed->geometry());
        if (!covered.empty() && covered != all) crop = covered & all;
    }
    host.progress("Updating layers...", 0.9);
    host.begin_output(false);
    try {
        for (size_t k = 0; k < layers.size(); ++k) host.replace_pixels(layers[k].id, pixels[k]);
        if (!crop.empty()) host.crop(crop);  // the aligned layers, to what every one of them covers
    } catch (...) {
        host.end_output(false);
        throw;
    }
    host.end_output(true);
    return kNoLayer;
}

}  // namespace fstack::gimp
