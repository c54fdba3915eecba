// SPDX-License-Identifier: GPL-3.0-or-later
// write_layered_file: picks the format's writer, adapts the document to what the format can
// hold (masks into alpha, hidden layers shown), and makes the write atomic.
#include "fstack/layers.hpp"

#include <algorithm>
#include <cctype>

#include "fstack/atomic_file.hpp"
#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "layers/layer_metadata.hpp"
#include "layers/layer_writers.hpp"

namespace fstack {
namespace fs = std::filesystem;

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!s.empty() && s[0] == '.') s.erase(0, 1);
    return s;
}

// Multiplies the mask into the layer's alpha: what a format without masks can show.
cv::Mat mask_into_alpha(const cv::Mat& pixels, const cv::Mat& mask) {
    cv::Mat rgba = convert_channels(pixels, 4);
    const cv::Mat m = convert_depth(mask, rgba.depth());
    std::vector<cv::Mat> planes;
    cv::split(rgba, planes);
    const double max_value = rgba.depth() == CV_16U ? 65535.0 : 255.0;
    cv::multiply(planes[3], m, planes[3], 1.0 / max_value);
    cv::merge(planes, rgba);
    return rgba;
}
}  // namespace

LayerFormat layer_format_from_name(const std::string& name) {
    const std::string s = lower(name);
    if (s == "tif" || s == "tiff") return LayerFormat::Tiff;
    if (s == "pstif" || s == "pstiff" || s == "photoshop-tiff") return LayerFormat::PhotoshopTiff;
    if (s == "psd") return LayerFormat::Psd;
    if (s == "ora") return LayerFormat::Ora;
    throw Error(ErrorKind::Usage, "unknown layered format '" + name + "': use tif, pstif, psd or ora");
}

LayerFormat layer_format_from_extension(const fs::path& path) {
    const std::string e = lower(path.extension().string());
    if (e == "tif" || e == "tiff" || e == "psd" || e == "ora") return layer_format_from_name(e);
    throw Error(ErrorKind::Usage, path.string(), -1,
                "unknown layered file type: use a .tif, .tiff, .psd or .ora file name (or --format)");
}

const char* layer_format_name(LayerFormat f) {
    switch (f) {
        case LayerFormat::Tiff: return "multi-page TIFF";
        case LayerFormat::PhotoshopTiff: return "TIFF with Photoshop layers";
        case LayerFormat::Psd: return "PSD";
        case LayerFormat::Ora: return "OpenRaster";
    }
    return "?";
}

const char* layer_format_extension(LayerFormat f) {
    switch (f) {
        case LayerFormat::Tiff:
        case LayerFormat::PhotoshopTiff: return ".tif";
        case LayerFormat::Psd: return ".psd";
        case LayerFormat::Ora: return ".ora";
    }
    return "";
}

bool format_has_layer_masks(LayerFormat f) { return f == LayerFormat::Psd || f == LayerFormat::PhotoshopTiff; }
bool format_has_hidden_layers(LayerFormat f) { return f != LayerFormat::Tiff; }

void write_layered_file(const fs::path& path, LayerFormat format, const LayeredImageSpec& spec_in,
                        const LayerSource& source, Progress& progress) {
    if (spec_in.layers.empty()) throw Error(ErrorKind::Usage, path.string(), -1, "no layers to write");
    if (spec_in.width <= 0 || spec_in.height <= 0)
        throw Error(ErrorKind::Internal, path.string(), -1, "layered document without a size");
    LayeredImageSpec spec = spec_in;
    spec.depth = spec.depth == CV_16U ? CV_16U : CV_8U;
    const bool masks = std::any_of(spec.layers.begin(), spec.layers.end(), [](auto& l) { return l.has_mask; });
    const bool hidden = std::any_of(spec.layers.begin(), spec.layers.end(), [](auto& l) { return !l.visible; });
    const bool masks_to_alpha = masks && !format_has_layer_masks(format);
    if (masks_to_alpha) {
        progress.warn(std::string(layer_format_name(format)) +
                      " has no layer masks: each masked layer is written with its mask as alpha "
                      "(use .psd for editable masks)");
        spec.alpha = true;
        for (LayerSpec& l : spec.layers) l.has_mask = false;
    }
    if (hidden && !format_has_hidden_layers(format))
        progress.warn(std::string(layer_format_name(format)) +
                      " has no hidden layers: hidden layers are written visible");
    // Masks stay in the source's hands until the writer asks: adapt one layer at a time.
    const LayerSource adapted = [&](int index) {
        LayerPixels p = source(index);
        if (masks_to_alpha && spec_in.layers[static_cast<size_t>(index)].has_mask) {
            p.pixels = mask_into_alpha(p.pixels, p.mask);
            p.mask.release();
        }
        return p;
    };
    const detail::EmbeddedMetadata metadata =
        detail::read_embedded_metadata(spec.metadata_source, spec.width, spec.height);
    write_atomically(path, [&](const fs::path& tmp) {
        const detail::LayerWriteJob job{tmp, path.string(), spec, adapted, metadata, progress};
        switch (format) {
            case LayerFormat::Tiff: detail::write_tiff_pages(job); break;
            case LayerFormat::PhotoshopTiff: detail::write_photoshop_tiff(job); break;
            case LayerFormat::Psd: detail::write_psd(job); break;
            case LayerFormat::Ora: detail::write_ora(job); break;
        }
    }, spec.overwrite);
}

}  // namespace fstack
