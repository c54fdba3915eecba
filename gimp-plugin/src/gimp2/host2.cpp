// SPDX-License-Identifier: GPL-3.0-or-later
#include "host2.hpp"

#include "../shared/pixel_format.hpp"
#include "../shared/test_cancel.hpp"

namespace fstack::gimp {
namespace {

bool has_made_parasite(gint32 item) {
    GimpParasite* p = gimp_item_get_parasite(item, kMadeParasite);
    if (!p) return false;
    gimp_parasite_free(p);
    return true;
}

void collect(gint32 item, bool parent_visible, bool in_group, bool parent_made, std::vector<LayerInfo>& out) {
    const bool visible = parent_visible && gimp_item_get_visible(item);
    const bool made = parent_made || has_made_parasite(item);
    if (gimp_item_is_group(item)) {
        gint n = 0;
        gint* children = gimp_item_get_children(item, &n);
        for (int i = n - 1; i >= 0; --i) collect(children[i], visible, true, made, out);  // bottom first
        g_free(children);
        return;
    }
    gchar* name = gimp_item_get_name(item);
    gint ox = 0, oy = 0;
    gimp_drawable_offsets(item, &ox, &oy);
    out.push_back({item, name ? name : "", visible, in_group, made,
                   cv::Rect(ox, oy, gimp_drawable_width(item), gimp_drawable_height(item))});
    g_free(name);
}

}  // namespace

Host2::Host2(gint32 image, GimpRunMode run_mode) : image_(image), target_(image), run_mode_(run_mode) {
    // libgimp 2.10 leaves GEGL to the plug-in: without this, the first buffer aborts in babl.
    gegl_init(nullptr, nullptr);
}

ImageInfo Host2::image() {
    ImageInfo i;
    i.width = gimp_image_width(image_);
    i.height = gimp_image_height(image_);
    i.grey = gimp_image_base_type(image_) == GIMP_GRAY;
    const int p = gimp_image_get_precision(image_);
    i.sixteen = !precision_is_8bit(p);
    i.is_float = precision_is_float(p);
    return i;
}

std::vector<LayerInfo> Host2::layers() {
    gint n = 0;
    gint32* top = gimp_image_get_layers(image_, &n);
    std::vector<LayerInfo> out;
    for (int i = n - 1; i >= 0; --i) collect(top[i], true, false, false, out);
    g_free(top);
    return out;
}

const Babl* Host2::format(int channels, int depth, gint32 drawable) const {
    const std::string name = babl_name(channels, depth, trc_of_precision(gimp_image_get_precision(image_)));
    // The drawable's own space: the values stay as stored, whatever the image's profile.
    return babl_format_with_space(name.c_str(), gimp_drawable_get_format(drawable));
}

cv::Mat Host2::read(LayerId layer, int depth) {
    const int W = gimp_image_width(image_), H = gimp_image_height(image_);
    const int channels = gimp_image_base_type(image_) == GIMP_GRAY ? 2 : 4;
    cv::Mat px(H, W, CV_MAKETYPE(depth, channels));
    gint ox = 0, oy = 0;
    gimp_drawable_offsets(layer, &ox, &oy);
    GeglBuffer* buf = gimp_drawable_get_buffer(layer);
    // Buffers are layer-local; outside the layer reads as transparent (GEGL_ABYSS_NONE).
    gegl_buffer_get(buf, GEGL_RECTANGLE(-ox, -oy, W, H), 1.0, format(channels, depth, layer), px.data,
                    int(px.step), GEGL_ABYSS_NONE);
    g_object_unref(buf);
    return px;
}

void Host2::begin_output(bool new_image) {
    new_image_ = new_image;
    if (new_image) {
        target_ = gimp_image_new_with_precision(gimp_image_width(image_), gimp_image_height(image_),
                                                gimp_image_base_type(image_),
                                                gimp_image_get_precision(image_));
        GimpColorProfile* profile = gimp_image_get_color_profile(image_);
        if (profile) {
            gimp_image_set_color_profile(target_, profile);
            g_object_unref(profile);
        }
        gimp_image_undo_disable(target_);
    } else {
        gimp_image_undo_group_start(image_);
    }
}

void Host2::write(gint32 drawable, const cv::Mat& pixels, int x, int y) {
    GeglBuffer* buf = gimp_drawable_get_buffer(drawable);
    gegl_buffer_set(buf, GEGL_RECTANGLE(x, y, pixels.cols, pixels.rows), 0,
                    format(pixels.channels(), pixels.depth(), drawable), pixels.data, int(pixels.step));
    g_object_unref(buf);  // flushes the tiles to GIMP
    gimp_drawable_update(drawable, 0, 0, gimp_drawable_width(drawable), gimp_drawable_height(drawable));
}

LayerId Host2::add_layer(const std::string& name, const cv::Mat& pixels, LayerId parent, int position) {
    const bool grey = gimp_image_base_type(target_) == GIMP_GRAY;
    const bool alpha = pixels.channels() == 2 || pixels.channels() == 4;
    const GimpImageType type = grey ? (alpha ? GIMP_GRAYA_IMAGE : GIMP_GRAY_IMAGE)
                                    : (alpha ? GIMP_RGBA_IMAGE : GIMP_RGB_IMAGE);
    gint32 layer = gimp_layer_new(target_, name.c_str(), pixels.cols, pixels.rows, type, 100.0,
                                  GIMP_LAYER_MODE_NORMAL);
    gimp_image_insert_layer(target_, layer, parent == kNoLayer ? 0 : parent, position);
    write(layer, pixels, 0, 0);
    return layer;
}

LayerId Host2::add_group(const std::string& name, LayerId parent, int position) {
    gint32 group = gimp_layer_group_new(target_);
    gimp_item_set_name(group, name.c_str());
    gimp_image_insert_layer(target_, group, parent == kNoLayer ? 0 : parent, position);
    return group;
}

LayerId Host2::copy_layer(LayerId layer, LayerId parent, int position) {
    gint32 copy = new_image_ ? gimp_layer_new_from_drawable(layer, target_) : gimp_layer_copy(layer);
    gimp_image_insert_layer(target_, copy, parent == kNoLayer ? 0 : parent, position);
    gchar* name = gimp_item_get_name(layer);
    gimp_item_set_name(copy, name);  // not "... copy": the retouch group names the frames
    g_free(name);
    gimp_item_set_visible(copy, TRUE);
    return copy;
}

void Host2::set_mask(LayerId layer, const cv::Mat& mask) {
    // A copied mask was not part of what was stacked (the stacker reads pixels only).
    if (gimp_layer_get_mask(layer) != -1) gimp_layer_remove_mask(layer, GIMP_MASK_DISCARD);
    gint32 m = gimp_layer_create_mask(layer, GIMP_ADD_MASK_BLACK);
    gimp_layer_add_mask(layer, m);
    gint ox = 0, oy = 0;
    gimp_drawable_offsets(layer, &ox, &oy);
    GeglBuffer* buf = gimp_drawable_get_buffer(m);
    gegl_buffer_set(buf, GEGL_RECTANGLE(-ox, -oy, mask.cols, mask.rows), 0, babl_format("Y u8"),
                    mask.data, int(mask.step));
    g_object_unref(buf);
    gimp_drawable_update(m, 0, 0, gimp_drawable_width(m), gimp_drawable_height(m));
}

void Host2::mark(LayerId layer) {
    GimpParasite* p = gimp_parasite_new(kMadeParasite, GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE, 1, "1");
    gimp_item_attach_parasite(layer, p);
    gimp_parasite_free(p);
}

void Host2::set_visible(LayerId layer, bool visible) { gimp_item_set_visible(layer, visible ? TRUE : FALSE); }

void Host2::rename(LayerId layer, const std::string& name) { gimp_item_set_name(layer, name.c_str()); }

void Host2::replace_pixels(LayerId layer, const cv::Mat& pixels) {
    gimp_layer_resize_to_image_size(layer);
    if (!gimp_drawable_has_alpha(layer)) gimp_layer_add_alpha(layer);
    write(layer, pixels, 0, 0);
}

void Host2::remove_layer(LayerId layer) { gimp_image_remove_layer(image_, layer); }

void Host2::crop(const cv::Rect& a) { gimp_image_crop(target_, a.width, a.height, a.x, a.y); }

void Host2::end_output(bool ok) {
    if (!new_image_) {
        gimp_image_undo_group_end(image_);
    } else if (!ok) {
        gimp_image_delete(target_);
        target_ = image_;
    } else {
        gimp_image_undo_enable(target_);
        if (run_mode_ == GIMP_RUN_INTERACTIVE) gimp_display_new(target_);
    }
    if (run_mode_ != GIMP_RUN_NONINTERACTIVE) gimp_displays_flush();
}

void Host2::progress(const std::string& text, double fraction) {
    if (text != text_) {
        text_ = text;
        test_cancel_point(text);  // FSTACK_TEST_CANCEL_AT: a cancel at this stage, for the tests
        gimp_progress_set_text(text.c_str());
    }
    gimp_progress_update(fraction);
}

void Host2::message(const std::string& text) { gimp_message(text.c_str()); }

}  // namespace fstack::gimp
