// SPDX-License-Identifier: GPL-3.0-or-later
#include "stack_layers.hpp"

#include <opencv2/imgproc.hpp>

#include "frame_actions.hpp"
#include "fstack/error.hpp"
#include "fstack/retouch_layers.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker_registry.hpp"
#include "host_progress.hpp"
#include "layer_frames.hpp"

namespace fstack::gimp {
namespace {

int ival(const ParamValues& v, const char* name) { return int(v.at(name)); }
bool bval(const ParamValues& v, const char* name) { return v.at(name) != 0; }

// The core's stages on GIMP's bar: the frame actions fill 0..30 %, the stacking the rest up
// to 90 % (all of it when no action runs); the output stage has the last 10 %.
class StackProgress : public Progress {
public:
    StackProgress(Host& host, bool actions)
        : actions_(host, 0.0, 0.3), stacking_(host, actions ? 0.3 : 0.0, 0.9) {}
    void stage(const std::string& name, int total) override {
        current_ = name.rfind("frame actions", 0) == 0 ? &actions_ : &stacking_;
        current_->stage(name, total);
    }
    void step(int done) override { current_->step(done); }
    void log(LogLevel level, const std::string& message) override { current_->log(level, message); }

private:
    HostProgress actions_, stacking_;
    HostProgress* current_ = &stacking_;
};

// Ends the output stage on every path out of it, so an exception cannot leave GIMP's undo
// group open or a half-built image behind.
class OutputGuard {
public:
    OutputGuard(Host& host, bool new_image) : host_(host) { host_.begin_output(new_image); }
    void commit() { ok_ = true; }
    ~OutputGuard() {
        try { host_.end_output(ok_); } catch (...) {}
    }

private:
    Host& host_;
    bool ok_ = false;
};

}  // namespace

std::unique_ptr<Stacker> make_stacker(const ParamValues& v) {
    return stacker_registry().at(size_t(ival(v, "stacker"))).make(stacker_values(v));
}

std::vector<LayerInfo> frame_layers(Host& host, const ParamValues& v, const char* what) {
    const bool visible_only = ival(v, "layers") == 1;
    std::vector<LayerInfo> all = host.layers(), frames;
    for (const LayerInfo& l : all)
        if (!visible_only || l.visible) frames.push_back(l);
    if (frames.size() < 2) {
        std::string why = std::string(what) + " needs at least two layers (one per focus step); ";
        why += "this image has " + std::to_string(frames.size()) +
               (visible_only ? " visible" : "") + " layer" + (frames.size() == 1 ? "" : "s");
        if (visible_only && all.size() >= 2)
            why += " (" + std::to_string(all.size()) + " in all: show the hidden ones or choose All layers)";
        why += ". Open the frames with File > Open as Layers.";
        throw Error(ErrorKind::Input, why);
    }
    return frames;
}

LayerId stack_layers(Host& host, const ParamValues& v) {
    validate(stack_params(), v);
    const ImageInfo info = host.image();
    std::vector<LayerInfo> layers = frame_layers(host, v, "Focus Stack Layers");
    const int n = int(layers.size());
    if (info.is_float)
        host.message("This image has floating-point pixels: the layers are stacked with 16-bit "
                     "precision (values outside 0..1 are clipped).");

    // Work: read, act, stack. Nothing here changes the image.
    LayerFrameSource layer_source(host, layers, info);
    const FramePipeline pipeline = frame_pipeline(v);
    const bool acted = !pipeline.empty();
    StackProgress progress(host, acted);
    std::unique_ptr<Stacker> stacker = make_stacker(v);
    StackOptions options;
    options.denoise = v.at("denoise");
    options.crop = bval(v, "crop");  // to the rectangle every aligned frame covers (none: unchanged)
    StackResult r = stack(layer_source, pipeline, *stacker, options, progress);
    FrameSource& frames = *r.frames;

    // Aligned frames are whole (the alignment fills its borders): the unaligned layers'
    // transparency no longer says where the picture is.
    cv::Mat alpha = acted || layer_source.fully_opaque() ? cv::Mat() : layer_source.coverage();
    if (alpha.empty()) alpha = cv::Mat(r.image.size(), r.image.depth(),
                                       cv::Scalar(r.image.depth() == CV_16U ? 65535 : 255));
    const cv::Mat result = to_host_pixels(r.image, alpha);
    const cv::Mat depth = bval(v, "depth-map") ? depth_map_image(r.depth_map, n, r.image.depth()) : cv::Mat();

    // Output: the only part that changes GIMP's state, one undo step.
    host.progress("Creating layers...", 0.9);
    const bool new_image = bval(v, "new-image");
    OutputGuard out(host, new_image);
    // The canvas and the layers already there (the originals) first: every layer added below
    // is the cropped result's size.
    if (!r.crop.empty()) host.crop(r.crop);
    if (bval(v, "retouch-group")) {
        const LayerId group = host.add_group("Retouch frames", kNoLayer, 0);
        for (int k = 0; k < n; ++k) {
            // Frames go in bottom first, each on top of the last: the group keeps their order.
            const LayerId copy = acted
                ? host.add_layer(layers[k].name, to_host_pixels(frames.frame(k), cv::Mat()), group, 0)
                : host.copy_layer(layers[k].id, group, 0);
            const cv::Mat mask = retouch_mask(r.depth_map, k);  // 255 where frame k is the sharpest
            host.set_mask(copy, mask);
        }
    }
    if (!depth.empty()) host.add_layer("Depth map", depth, kNoLayer, 0);
    const LayerId result_layer = host.add_layer("Focus stack", result, kNoLayer, 0);
    if (!new_image && !bval(v, "keep-originals"))
        for (const LayerInfo& l : layers) host.remove_layer(l.id);
    out.commit();
    host.progress("Done", 1.0);
    return result_layer;
}

}  // namespace fstack::gimp
