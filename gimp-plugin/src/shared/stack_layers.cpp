// SPDX-License-Identifier: GPL-3.0-or-later
#include "stack_layers.hpp"

#include <opencv2/imgproc.hpp>

#include "frame_actions.hpp"
#include "fstack/error.hpp"
#include "fstack/retouch_layers.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker_registry.hpp"
#include "host_progress.hpp"
#include "params.hpp"
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
    int made = 0;
    for (const LayerInfo& l : all) {
        // What an earlier run made (result, depth map, retouch frames) is never a frame.
        if (l.made_by_fstack) {
            ++made;
            continue;
        }
        if (!visible_only || l.visible) frames.push_back(l);
    }
    if (frames.size() < 2) {
        std::string why = std::string(what) + " needs at least two layers (one per focus step); ";
        why += "this image has " + std::to_string(frames.size()) +
               (visible_only ? " visible" : "") + " layer" + (frames.size() == 1 ? "" : "s");
        if (made > 0) why += " besides the " + std::to_string(made) + " an earlier run made";
        if (visible_only && all.size() - size_t(made) >= 2)
            why += " (" + std::to_string(all.size() - size_t(made)) + " in all: show the hidden ones or choose All layers)";
        why += ". Open the frames with File > Open as Layers.";
        throw Error(ErrorKind::Input, why);
    }
    return frames;
}

namespace {

// With alignment off, every frame must lie exactly on the canvas: a moved or smaller layer would
// leave part of the result transparent. Throws Error(Input) naming the layer.
void check_layer_geometry(const std::vector<LayerInfo>& layers, const ImageInfo& image, bool aligning) {
    if (aligning) return;  // offsets and sizes are a starting shift the alignment registers
    const cv::Rect canvas(0, 0, image.width, image.height);
    for (const LayerInfo& l : layers)
        if (l.bounds != canvas && !l.bounds.empty())
            throw Error(ErrorKind::Input,
                        "layer '" + l.name + "' is " + std::to_string(l.bounds.width) + "x" +
                            std::to_string(l.bounds.height) + " at (" + std::to_string(l.bounds.x) + ", " +
                            std::to_string(l.bounds.y) + "), not the image's " + std::to_string(image.width) + "x" +
                            std::to_string(image.height) + " at (0, 0): with alignment off, every frame must cover "
                            "the canvas exactly. Turn Alignment on (auto) to register it, or use Layer > Layer to "
                            "Image Size.");
}

// "Focus stack: pyramid, aligned": what made a result, so that two runs can be told apart.
std::string result_name(const ParamValues& v) {
    const StackerInfo& info = stacker_registry().at(size_t(ival(v, "stacker")));
    return "Focus stack: " + info.id + (chosen(v, "align") == "none" ? "" : ", aligned");
}

// Every pixel of every layer the run adds, computed before the image is touched.
struct OutputLayers {
    cv::Mat result, depth;
    std::vector<cv::Mat> frames;   // aligned frames (host order), when the frame actions ran
    std::vector<cv::Mat> sharpest; // the "sharpest frame" masks, when asked for
};

}  // namespace

LayerId stack_layers(Host& host, const ParamValues& v) {
    validate(stack_params(), v);
    // Before any work: "Device cuda: no usable CUDA device: ..." where cuda is asked and none answers.
    const Device device = resolve_device(choice_id(stack_params(), v, "device"), "Device");
    const ImageInfo info = host.image();
    std::vector<LayerInfo> layers = frame_layers(host, v, "Focus Stack Layers");
    const int n = int(layers.size());
    const FramePipeline pipeline = frame_pipeline(v);
    const bool acted = !pipeline.empty();
    check_layer_geometry(layers, info, chosen(v, "align") != "none");
    if (info.is_float)
        host.message("This image has floating-point pixels: the layers are stacked with 16-bit "
                     "precision (values outside 0..1 are clipped).");

    // Work: read, act, stack. Nothing here changes the image.
    LayerFrameSource layer_source(host, layers, info);
    StackProgress progress(host, acted);
    std::unique_ptr<Stacker> stacker = make_stacker(v);
    StackOptions options;
    options.denoise = v.at("denoise");
    options.device = device;
    options.crop = bval(v, "crop");  // to the rectangle every aligned frame covers (none: unchanged)
    StackResult r = stack(layer_source, pipeline, *stacker, options, progress);
    FrameSource& frames = *r.frames;

    // Every layer's pixels before the first is inserted: a cancel or an error up to here leaves
    // the image exactly as it was. Aligned frames are whole (the alignment fills its borders):
    // the unaligned layers' transparency no longer says where the picture is, and opaque frames
    // give an opaque result (no alpha channel added).
    OutputLayers out;
    const cv::Mat alpha = acted || layer_source.fully_opaque() ? cv::Mat() : layer_source.coverage();
    out.result = to_host_pixels(r.image, alpha);
    if (bval(v, "depth-map")) out.depth = depth_map_image(r.depth_map, n, r.image.depth());
    const bool retouch = bval(v, "retouch-group"), sharpest = bval(v, "sharpest-masks");
    HostProgress preparing(host, 0.9, 0.97);
    preparing.stage("Preparing layers", ((retouch || sharpest) && acted ? n : 0) + (sharpest ? n : 0));
    int prepared = 0;
    if ((retouch || sharpest) && acted)
        for (int k = 0; k < n; ++k) {
            progress.check_cancel();
            out.frames.push_back(to_host_pixels(frames.frame(k), cv::Mat()));
            preparing.step(++prepared);
        }
    if (sharpest)
        for (int k = 0; k < n; ++k) {
            progress.check_cancel();
            out.sharpest.push_back(retouch_mask(r.depth_map, k));  // 255 where frame k is the sharpest
            preparing.step(++prepared);
        }
    progress.check_cancel();

    // Output: the only part that changes GIMP's state, one undo step. Top to bottom: the
    // retouch frames (nearest focus on top, all-black masks: painting a mask white brushes that
    // frame onto the result), the result, the depth map (hidden), the sharpest-frame masks
    // (hidden), then the originals.
    host.progress("Creating layers...", 0.97);
    const bool new_image = bval(v, "new-image");
    OutputGuard guard(host, new_image);
    // The canvas and the layers already there (the originals) first: every layer added below
    // is the cropped result's size.
    if (!r.crop.empty()) host.crop(r.crop);
    const std::string name = result_name(v);
    const auto frame_name = [&](int k) {
        return "frame " + std::to_string(k + 1) + " of " + std::to_string(n) + ": " + layers[size_t(k)].name;
    };
    // A frame in `group`, on top of what is there: the aligned pixels, or a copy of the layer.
    const auto add_frame = [&](int k, LayerId group) {
        const LayerId copy = acted ? host.add_layer(frame_name(k), out.frames[size_t(k)], group, 0)
                                   : host.copy_layer(layers[size_t(k)].id, group, 0);
        if (!acted) host.rename(copy, frame_name(k));
        host.mark(copy);
        return copy;
    };
    // Each layer goes in at the top, so the lowest first.
    if (sharpest) {
        const LayerId group = host.add_group(name + ": sharpest-frame masks", kNoLayer, 0);
        host.mark(group);
        for (int k = n - 1; k >= 0; --k) host.set_mask(add_frame(k, group), out.sharpest[size_t(k)]);
        host.set_visible(group, false);
    }
    if (!out.depth.empty()) {
        const LayerId depth = host.add_layer(name + ": depth map", out.depth, kNoLayer, 0);
        host.mark(depth);
        host.set_visible(depth, false);
    }
    const LayerId result_layer = host.add_layer(name, out.result, kNoLayer, 0);
    host.mark(result_layer);
    if (retouch) {
        const LayerId group = host.add_group(name + ": retouch frames", kNoLayer, 0);
        host.mark(group);
        const cv::Mat black = cv::Mat::zeros(r.image.size(), CV_8U);
        for (int k = n - 1; k >= 0; --k) host.set_mask(add_frame(k, group), black);  // frame 1 ends on top
    }
    if (!new_image && !bval(v, "keep-originals"))
        for (const LayerInfo& l : layers) host.remove_layer(l.id);
    guard.commit();
    host.progress("Done", 1.0);
    return result_layer;
}

}  // namespace fstack::gimp
