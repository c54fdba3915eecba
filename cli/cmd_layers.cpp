// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack layers`: builds one layered file (multi-page TIFF, Photoshop TIFF, PSD, OpenRaster)
// from images, folders of images and layered files, for retouching in an image editor.
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "exit_codes.hpp"
#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/layered_read.hpp"
#include "fstack/layers.hpp"
#include "input_list.hpp"
#include "output_check.hpp"
#include "progress_bar.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

struct LayersArgs {
    std::vector<std::string> inputs;
    std::string output;
    std::string format;
    bool compress = false;
    bool no_metadata = false;
    bool overwrite = false;
    bool quiet = false;
    bool verbose = false;
};

const char* const kDescription =
    "Combine images into one layered file for retouching.\n"
    "  fstack layers INPUTS... -o OUT.{tif,psd,ora} [--format tif|pstif|psd|ora]";

const char* const kNotes =
    "Inputs: image files (JPEG, PNG, TIFF; 8 or 16 bit), folders of images (natural order) and\n"
    "layered files (PSD, OpenRaster, multi-page TIFF: each of their layers). The first input is\n"
    "the top layer, as an editor's layer list reads: 'fstack layers result.tif frames/ -o r.psd'\n"
    "puts the result over the frames. Layers are named after their files. All inputs must have\n"
    "one size; the document is 16-bit if any input is, RGBA if any has alpha.\n"
    "Formats (from OUT's extension, or --format): .tif multi-page TIFF (a page per layer; GIMP,\n"
    "Krita), pstif TIFF with Photoshop layers (its page is the composite; Photoshop, GIMP 3),\n"
    ".psd (GIMP, Krita, Photoshop, Affinity; at most 4 GB), .ora OpenRaster (GIMP 3, Krita,\n"
    "MyPaint). EXIF/XMP/ICC of the first image go into PSD and TIFF (--no-metadata: none).\n"
    "Layers are read and written one at a time: memory does not grow with their number.\n\n";

// One layer of the document: an image file, or layer `index` of a layered file.
struct Item {
    fs::path file;
    int index = -1;  // -1: the file is one image
    std::string name;
};

// Reads layered inputs one file at a time, keeping the last one: items of one file are
// consecutive, so each layered file is read once.
class LayeredCache {
public:
    const LayeredImage& get(const fs::path& p) {
        if (p != path_) {
            image_ = {};
            image_ = read_layered_file(p);
            path_ = p;
        }
        return image_;
    }

private:
    fs::path path_;
    LayeredImage image_;
};

// Top first, as given.
std::vector<Item> gather_items(const LayersArgs& a, Progress& progress) {
    std::vector<Item> items;
    for (const std::string& input : a.inputs) {
        std::error_code ec;
        if (fs::is_regular_file(input, ec) && is_layered_file(input)) {
            const LayeredImage image = read_layered_file(input);
            // Their top layer first, like everything else here.
            for (int i = static_cast<int>(image.layers.size()) - 1; i >= 0; --i)
                items.push_back({input, i, image.layers[static_cast<size_t>(i)].name});
            continue;
        }
        for (const fs::path& f : gather_frames({input}, progress)) items.push_back({f, -1, f.stem().string()});
    }
    return items;
}

int run_layers(LayersArgs& a) {
    const LayerFormat format = a.format.empty() ? layer_format_from_extension(a.output) : layer_format_from_name(a.format);
    ProgressBar progress(choose_progress_mode(a.quiet), a.verbose);
    const std::vector<Item> top_first = gather_items(a, progress);
    if (top_first.empty()) throw Error(ErrorKind::Input, "no images to combine");
    std::vector<fs::path> files;
    for (const Item& i : top_first) files.push_back(i.file);
    check_output_file(a.output, InputFiles(files), a.overwrite);

    const std::vector<Item> items(top_first.rbegin(), top_first.rend());  // bottom first
    LayeredImageSpec spec;
    LayeredCache cache;
    for (const Item& item : items) {
        int w, h, depth, channels;
        if (item.index < 0) {
            const ImageInfo info = read_image_info(item.file);
            w = info.width; h = info.height; depth = info.depth; channels = info.channels;
        } else {
            const cv::Mat& m = cache.get(item.file).layers[static_cast<size_t>(item.index)].pixels;
            w = m.cols; h = m.rows; depth = m.depth(); channels = m.channels();
        }
        if (spec.width == 0) {
            spec.width = w;
            spec.height = h;
        } else if (w != spec.width || h != spec.height) {
            throw Error(ErrorKind::Input, item.file.string(), -1,
                        "size " + std::to_string(w) + "x" + std::to_string(h) + " differs from the other inputs' " +
                            std::to_string(spec.width) + "x" + std::to_string(spec.height));
        }
        if (depth == CV_16U) spec.depth = CV_16U;
        if (channels == 4) spec.alpha = true;
        spec.layers.push_back({item.name, true, false});
    }
    // Hidden layers and masks of layered inputs carry over.
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].index >= 0) {
            const ReadLayer& l = cache.get(items[i].file).layers[static_cast<size_t>(items[i].index)];
            spec.layers[i].visible = l.visible;
            spec.layers[i].has_mask = !l.mask.empty();
        }
    spec.compress = a.compress;
    spec.overwrite = a.overwrite;
    if (!a.no_metadata) {
        for (const Item& i : top_first)
            if (i.index < 0) {
                spec.metadata_source = i.file;
                break;
            }
    }
    write_layered_file(a.output, format, spec, [&](int index) {
        const Item& item = items[static_cast<size_t>(index)];
        if (item.index < 0) return LayerPixels{read_image(item.file), {}};
        const ReadLayer& l = cache.get(item.file).layers[static_cast<size_t>(item.index)];
        return LayerPixels{l.pixels, l.mask};
    }, progress);
    progress.finish();
    progress.info("wrote " + a.output + " (" + layer_format_name(format) + ", " + std::to_string(spec.layers.size()) +
                  " layers, " + std::to_string(spec.width) + "x" + std::to_string(spec.height) + ", " +
                  (spec.depth == CV_16U ? "16" : "8") + "-bit)");
    return kExitOk;
}

}  // namespace

Command add_layers_command(CLI::App& root) {
    auto args = std::make_shared<LayersArgs>();
    LayersArgs& a = *args;
    CLI::App* app = root.add_subcommand("layers", kDescription);
    app->footer(std::string(kNotes) + exit_codes_help());
    app->add_option("inputs", a.inputs, "Images, folders of images, layered files (first = top layer)")
        ->required()
        ->type_name("INPUTS...");
    app->add_option("-o,--output", a.output, "Layered file (.tif .tiff .psd .ora)")->required()->type_name("OUT");
    app->add_option("--format", a.format, "Layered format [default: from OUT's extension]")
        ->check(CLI::IsMember({"tif", "tiff", "pstif", "psd", "ora"}, CLI::ignore_case));
    app->add_flag("--compress", a.compress, "Multi-page TIFF: deflate")->group("Output");
    app->add_flag("--no-metadata", a.no_metadata, "Do not copy EXIF/XMP/ICC from the first image")->group("Output");
    app->add_flag("--overwrite", a.overwrite, "Replace an existing OUT")->group("Output");
    CLI::Option* quiet = app->add_flag("-q,--quiet", a.quiet, "Print nothing but errors")->group("Messages");
    app->add_flag("-v,--verbose", a.verbose, "Also print debugging notes")->excludes(quiet)->group("Messages");
    return Command{app, [args] { return run_layers(*args); }};
}

}  // namespace fstack::cli
