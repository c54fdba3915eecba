// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one narrow interface between the plug-in and GIMP (as G'MIC-Qt's host interface): get the
// layers, read their pixels, put layers back, show progress. gimp3/host3.cpp and
// gimp2/host2.cpp implement it, each in one file; everything under shared/ knows nothing of
// the GIMP version, so the stacking logic is written and tested once.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::gimp {

using LayerId = int;  // GIMP's item ID (both versions have one)
constexpr LayerId kNoLayer = -1;

struct ImageInfo {
    int width = 0, height = 0;
    bool grey = false;     // GIMP_GRAY: 1 colour channel, else 3 (RGB)
    bool sixteen = false;  // read frames as 16-bit (16/32-bit integer, half, float, double)
    bool is_float = false; // 16-bit frames stand in for float pixels: say so once
};

struct LayerInfo {
    LayerId id = kNoLayer;
    std::string name;
    bool visible = true;   // the layer and all the groups above it are visible
    bool in_group = false; // a child of a layer group
    bool made_by_fstack = false;  // the layer or a group above it carries kMadeParasite
    cv::Rect bounds;       // the layer's own rectangle on the canvas (offsets, size)
};

// The parasite (persistent: kept in XCF files) the plug-in attaches to every layer and group it
// creates, so that a second run never takes an earlier run's result, depth map or retouch
// frames for frames.
constexpr const char* kMadeParasite = "fstack-made";

class Host {
public:
    virtual ~Host() = default;

    virtual ImageInfo image() = 0;
    // The image's pixel layers, bottom first (frame 0 = the bottom layer, as "Open as Layers"
    // and multi-page TIFFs order them); layer groups are replaced by their children.
    virtual std::vector<LayerInfo> layers() = 0;
    // A layer's pixels over the whole image rectangle (offsets applied, outside transparent):
    // colour channels (grey, or R G B) then alpha, CV_8U or CV_16U as `depth`, in the image's
    // own colour space and tone curve, so nothing is converted on the way.
    virtual cv::Mat read(LayerId layer, int depth) = 0;

    // Output. Nothing above changes the image; begin_output() is the first call that does, so
    // an error or a cancel before it leaves the image as it was. Between begin and end, all
    // changes form one undo step (or go to a new image with the source's precision and profile).
    virtual void begin_output(bool new_image) = 0;
    // New layer from image-sized pixels (Y, YA, RGB or RGBA; 8-, 16-bit or float), placed in
    // `parent` (kNoLayer: top level) at `position` (0 = top).
    virtual LayerId add_layer(const std::string& name, const cv::Mat& pixels, LayerId parent,
                              int position) = 0;
    virtual LayerId add_group(const std::string& name, LayerId parent, int position) = 0;
    // A copy of source layer `layer` (its own pixels, size and offsets) in the output image.
    virtual LayerId copy_layer(LayerId layer, LayerId parent, int position) = 0;
    // Gives `layer` a mask from image-sized 8-bit grey `mask` (white = shows).
    virtual void set_mask(LayerId layer, const cv::Mat& mask) = 0;
    // Attaches kMadeParasite to a layer or group of the output image.
    virtual void mark(LayerId layer) = 0;
    virtual void set_visible(LayerId layer, bool visible) = 0;
    virtual void rename(LayerId layer, const std::string& name) = 0;
    // Replaces the pixels of `layer` by image-sized `pixels` (the layer grows to the image).
    virtual void replace_pixels(LayerId layer, const cv::Mat& pixels) = 0;
    virtual void remove_layer(LayerId layer) = 0;
    // Crops the output image (canvas and every layer in it) to `area`, in image pixels; the
    // layers added after it are `area`-sized.
    virtual void crop(const cv::Rect& area) = 0;
    // Closes the undo group, shows a new image; `ok` false: drop a half-made new image.
    virtual void end_output(bool ok) = 0;

    virtual void progress(const std::string& text, double fraction) = 0;
    virtual void message(const std::string& text) = 0;
};

}  // namespace fstack::gimp
