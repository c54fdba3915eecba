// SPDX-License-Identifier: GPL-3.0-or-later
// The seed's MultiLayer action: the images of some folders as the layers of one file.
#include "fstack/multilayer.hpp"

#include <algorithm>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {
namespace fs = std::filesystem;

MultiLayer::MultiLayer(std::string name, MultiLayerOptions options)
    : name_(std::move(name)), options_(std::move(options)) {}

namespace {

// A folder gives its frames in natural order; a file is taken as it is.
std::vector<fs::path> images_of(const fs::path& p, Progress& progress) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) return list_frames(p, progress);
    if (fs::is_regular_file(p, ec)) return {p};
    throw Error(ErrorKind::Input, p.string(), -1, "MultiLayer input not found");
}

}  // namespace

ActionPaths MultiLayer::paths(const JobContext& context) const {
    ActionPaths p;
    p.label = "MultiLayer '" + name_ + "'";
    const fs::path working = context.working(options_.working_path);
    for (const fs::path& in : context.inputs(options_.input_path, p.label)) p.inputs.push_back(working / in);
    if (options_.exif_path && !options_.exif_path->empty()) p.inputs.push_back(working / *options_.exif_path);
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.output_folders = {working / p.out_rel};
    return p;
}

// Layers bottom first: the first folder at the bottom, the last (the stacked result) on top;
// within a folder its first image (natural order) is the highest.
std::vector<fs::path> MultiLayer::layers(const JobContext& context, Progress& progress) const {
    const fs::path working = context.working(options_.working_path);
    std::vector<fs::path> bottom_first;
    for (const fs::path& in : context.inputs(options_.input_path, "MultiLayer " + name_)) {
        std::vector<fs::path> images = images_of(working / in, progress);
        if (images.empty()) throw Error(ErrorKind::Input, (working / in).string(), -1, "no JPEG, PNG or TIFF images in this folder");
        bottom_first.insert(bottom_first.end(), images.rbegin(), images.rend());
    }
    return bottom_first;
}

std::vector<fs::path> MultiLayer::output_files(const JobContext& context) const {
    const std::vector<fs::path> bottom_first = layers(context, null_progress());
    return {paths(context).output_folders.front() /
            (bottom_first.back().stem().string() + layer_format_extension(options_.format))};
}

fs::path MultiLayer::run(JobContext& context) {
    Progress& progress = *context.progress;
    const fs::path working = context.working(options_.working_path);
    const std::vector<fs::path> bottom_first = layers(context, progress);

    LayeredImageSpec spec;
    for (const fs::path& p : bottom_first) {
        const ImageInfo info = read_image_info(p);
        if (spec.width == 0) {
            spec.width = info.width;
            spec.height = info.height;
        } else if (info.width != spec.width || info.height != spec.height) {
            throw Error(ErrorKind::Input, p.string(), -1,
                        "image size " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                            " differs from the other layers' " + std::to_string(spec.width) + "x" +
                            std::to_string(spec.height));
        }
        // The deepest input decides: 8-bit layers are widened rather than 16-bit ones cut.
        if (info.depth == CV_16U) spec.depth = CV_16U;
        if (info.channels == 4) spec.alpha = true;
        spec.layers.push_back({p.stem().string(), true, false});
    }
    spec.compress = options_.compress;

    // The seed's exif_path: unset -> the job's first input frame, "" -> none.
    if (!options_.exif_path) {
        std::vector<fs::path> first;
        if (!context.job_input_path.empty()) first = images_of(working / context.job_input_path, progress);
        spec.metadata_source = first.empty() ? bottom_first.back() : first.front();
    } else if (!options_.exif_path->empty()) {
        const std::vector<fs::path> first = images_of(working / *options_.exif_path, progress);
        if (first.empty()) throw Error(ErrorKind::Input, (working / *options_.exif_path).string(), -1, "exif_path has no images");
        spec.metadata_source = first.front();
    }

    const ActionPaths ap = paths(context);
    const std::vector<fs::path> outs = output_files(context);
    context.check_outputs(ap.label, ap.inputs, ap.output_folders, outs);
    JobContext::make_output_folder(ap.output_folders.front());
    const fs::path& out = outs.front();
    spec.overwrite = context.overwrite;
    write_layered_file(out, options_.format, spec,
                       [&](int i) { return LayerPixels{read_image(bottom_first[static_cast<size_t>(i)]), {}}; },
                       progress);
    progress.info("wrote " + out.string() + " (" + std::to_string(spec.layers.size()) + " layers)");
    return ap.out_rel;
}

}  // namespace fstack
