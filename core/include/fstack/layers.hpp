// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Layered files for retouching in an image editor: multi-page TIFF, TIFF with Photoshop layer
// data, PSD and OpenRaster. The writer pulls the layers one at a time from a callback and lets
// go of each before asking for the next, so peak memory is a few frames whatever the number of
// layers. The file is written to a temporary name and renamed when complete (write_atomically).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/progress.hpp"

namespace fstack {

enum class LayerFormat {
    Tiff,           // multi-page TIFF: one page per layer (GIMP, Krita open pages as layers)
    PhotoshopTiff,  // TIFF whose page is the composite, layers in tag 37724 (Photoshop, GIMP 3)
    Psd,            // Photoshop document (GIMP, Krita, Photoshop, Affinity)
    Ora,            // OpenRaster zip (GIMP 3, Krita, MyPaint)
};

// "tif"/"tiff", "pstif" (Photoshop-layered TIFF), "psd", "ora"; case-insensitive, with or
// without a dot. Throws Error(Usage) for anything else.
LayerFormat layer_format_from_name(const std::string& name);
// From the extension: .tif/.tiff -> Tiff, .psd, .ora. Throws Error(Usage) for anything else.
LayerFormat layer_format_from_extension(const std::filesystem::path& path);
const char* layer_format_name(LayerFormat format);
const char* layer_format_extension(LayerFormat format);  // ".tif", ".psd", ".ora"
bool format_has_layer_masks(LayerFormat format);          // PSD, Photoshop TIFF
bool format_has_hidden_layers(LayerFormat format);        // all but multi-page TIFF

struct LayerSpec {
    std::string name;
    bool visible = true;
    bool has_mask = false;  // the layer comes with a mask (white: shows, black: hidden)
};

// The document: size, bit depth and the layers, bottom layer first.
struct LayeredImageSpec {
    int width = 0, height = 0;
    int depth = CV_8U;   // CV_8U or CV_16U: every layer is converted to it
    bool alpha = false;  // RGBA layers; otherwise RGB
    std::vector<LayerSpec> layers;
    std::filesystem::path metadata_source;  // EXIF/XMP/ICC come from this file (empty: none)
    bool compress = false;                  // multi-page TIFF: deflate
    bool overwrite = true;
};

// One layer's pixels: grey, BGR or BGRA, CV_8U or CV_16U, of the document's size (converted to
// the document's depth and channels); mask: one channel, 8 or 16 bit, given iff has_mask.
struct LayerPixels {
    cv::Mat pixels;
    cv::Mat mask;
};
// Returns layer `index` (0 = bottom). Called once per layer, in order.
using LayerSource = std::function<LayerPixels(int index)>;

// Writes the layered file. Formats without layer masks get the mask multiplied into the layer's
// alpha instead (the document becomes RGBA), and formats without hidden layers show hidden ones;
// both are said once through `progress`. The composite (PSD, Photoshop TIFF, ORA) is the "over"
// blend of the visible layers. EXIF/XMP/ICC go where the format holds them: PSD image resources,
// TIFF tags (ICC, XMP with the EXIF fields converted to XMP); OpenRaster has no place for them.
// Throws Error(Output) naming the file, Error(Usage) for a document no format can hold.
void write_layered_file(const std::filesystem::path& path, LayerFormat format,
                        const LayeredImageSpec& spec, const LayerSource& source,
                        Progress& progress = null_progress());

}  // namespace fstack
