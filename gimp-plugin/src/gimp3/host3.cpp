// SPDX-License-Identifier: GPL-3.0-or-later
#include "host3.hpp"

#include "../shared/pixel_format.hpp"
#include "../shared/test_cancel.hpp"

namespace fstack::gimp {
namespace {

GimpDrawable* drawable(LayerId id) { return GIMP_DRAWABLE(gimp_item_get_by_id(id)); }
GimpLayer* layer_of(LayerId id) { return GIMP_LAYER(gimp_item_get_by_id(id)); }

bool has_made_parasite(GimpItem* item) {
    GimpParasite* p = gimp_item_get_parasite(item, kMadeParasite);
    if (!p) return false;
    gimp_parasite_free(p);
    return true;
}

void collect(GimpItem* item, bool parent_visible, bool in_group, bool parent_made, std::vector<LayerInfo>& out) {
    const bool visible = parent_visible && gimp_item_get_visible(item);
    const bool made = parent_made || has_made_parasite(item);
    if (gimp_item_is_group(item)) {
        GimpItem** children = gimp_item_get_children(item);  // NULL-terminated, top first
        int n = 0;
        while (children[n]) ++n;
        for (int i = n - 1; i >= 0; --i) collect(children[i], visible, true, made, out);  // bottom first
        g_free(children);
        return;
    }
    gchar* name = gimp_item_get_name(item);
    gint ox = 0, oy = 0;
    gimp_drawable_get_offsets(GIMP_DRAWABLE(item), &ox, &oy);
    out.push_back({gimp_item_get_id(item), name ? name : "", visible, in_group, made,
                   cv::Rect(ox, oy, gimp_drawable_get_width(GIMP_DRAWABLE(item)),
                            gimp_drawable_get_height(GIMP_DRAWABLE(item)))});
    g_free(name);
}

}  // namespace

Host3::Host3(GimpImage* image, GimpRunMode run_mode) : image_(image), target_(image), run_mode_(run_mode) {}

ImageInfo Host3::image() {
    ImageInfo i;
    i.width = gimp_image_get_width(image_);
    i.height = gimp_image_get_height(image_);
    i.grey = gimp_image_get_base_type(image_) == GIMP_GRAY;
    const int p = gimp_image_get_precision(image_);
    i.sixteen = !precision_is_8bit(p);
    i.is_float = precision_is_float(p);
    return i;
}

std::vector<LayerInfo> Host3::layers() {
    GimpLayer** top = gimp_image_get_layers(image_);
    int n = 0;
    while (top[n]) ++n;
    std::vector<LayerInfo> out;
    for (int i = n - 1; i >= 0; --i) collect(GIMP_ITEM(top[i]), true, false, false, out);
    g_free(top);
    return out;
}

const Babl* Host3::format(int channels, int depth, GimpDrawable* d) const {
    const std::string name = babl_name(channels, depth, trc_of_precision(gimp_image_get_precision(image_)));
    // The drawable's own space (the image's profile): the values stay as stored.
    return babl_format_with_space(name.c_str(), gimp_drawable_get_format(d));
}

cv::Mat Host3::read(LayerId id, int depth) {
    const int W = gimp_image_get_width(image_), H = gimp_image_get_height(image_);
    const int channels = gimp_image_get_base_type(image_) == GIMP_GRAY ? 2 : 4;
    cv::Mat px(H, W, CV_MAKETYPE(depth, channels));
    GimpDrawable* d = drawable(id);
    gint ox = 0, oy = 0;
    gimp_drawable_get_offsets(d, &ox, &oy);
    GeglBuffer* buf = gimp_drawable_get_buffer(d);
    // Buffers are layer-local; outside the layer reads as transparent (GEGL_ABYSS_NONE).
    gegl_buffer_get(buf, GEGL_RECTANGLE(-ox, -oy, W, H), 1.0, format(channels, depth, d), px.data,
                    int(px.step), GEGL_ABYSS_NONE);
    g_object_unref(buf);
    return px;
}

void Host3::begin_output(bool new_image) {
    new_image_ = new_image;
    if (new_image) {
        target_ = gimp_image_new_with_precision(gimp_image_get_width(image_), gimp_image_get_height(image_),
                                                gimp_image_get_base_type(image_),
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

void Host3::write(GimpDrawable* d, const cv::Mat& pixels) {
    GeglBuffer* buf = gimp_drawable_get_buffer(d);
    gegl_buffer_set(buf, GEGL_RECTANGLE(0, 0, pixels.cols, pixels.rows), 0,
                    format(pixels.channels(), pixels.depth(), d), pixels.data, int(pixels.step));
    g_object_unref(buf);  // flushes the tiles to GIMP
    gimp_drawable_update(d, 0, 0, gimp_drawable_get_width(d), gimp_drawable_get_height(d));
}

void Host3::insert(GimpLayer* layer, LayerId parent, int position) {
    gimp_image_insert_layer(target_, layer, parent == kNoLayer ? nullptr : layer_of(parent), position);
}

LayerId Host3::add_layer(const std::string& name, const cv::Mat& pixels, LayerId parent, int position) {
    const bool grey = gimp_image_get_base_type(target_) == GIMP_GRAY;
    const bool alpha = pixels.channels() == 2 || pixels.channels() == 4;
    const GimpImageType type = grey ? (alpha ? GIMP_GRAYA_IMAGE : GIMP_GRAY_IMAGE)
                                    : (alpha ? GIMP_RGBA_IMAGE : GIMP_RGB_IMAGE);
    GimpLayer* layer = gimp_layer_new(target_, name.c_str(), pixels.cols, pixels.rows, type, 100.0,
                                      GIMP_LAYER_MODE_NORMAL);
    insert(layer, parent, position);
    write(GIMP_DRAWABLE(layer), pixels);
    return gimp_item_get_id(GIMP_ITEM(layer));
}

LayerId Host3::add_group(const std::string& name, LayerId parent, int position) {
    GimpGroupLayer* group = gimp_group_layer_new(target_, name.c_str());
    insert(GIMP_LAYER(group), parent, position);
    return gimp_item_get_id(GIMP_ITEM(group));
}

LayerId Host3::copy_layer(LayerId id, LayerId parent, int position) {
    GimpLayer* src = layer_of(id);
    GimpLayer* copy = new_image_ ? gimp_layer_new_from_drawable(GIMP_DRAWABLE(src), target_) : gimp_layer_copy(src);
    insert(copy, parent, position);
    gchar* name = gimp_item_get_name(GIMP_ITEM(src));
    gimp_item_set_name(GIMP_ITEM(copy), name);  // not "... copy": the retouch group names the frames
    g_free(name);
    gimp_item_set_visible(GIMP_ITEM(copy), TRUE);
    return gimp_item_get_id(GIMP_ITEM(copy));
}

void Host3::set_mask(LayerId id, const cv::Mat& mask) {
    GimpLayer* layer = layer_of(id);
    // A copied mask was not part of what was stacked (the stacker reads pixels only).
    if (gimp_layer_get_mask(layer)) gimp_layer_remove_mask(layer, GIMP_MASK_DISCARD);
    GimpLayerMask* m = gimp_layer_create_mask(layer, GIMP_ADD_MASK_BLACK);
    gimp_layer_add_mask(layer, m);
    gint ox = 0, oy = 0;
    gimp_drawable_get_offsets(GIMP_DRAWABLE(layer), &ox, &oy);
    GeglBuffer* buf = gimp_drawable_get_buffer(GIMP_DRAWABLE(m));
    gegl_buffer_set(buf, GEGL_RECTANGLE(-ox, -oy, mask.cols, mask.rows), 0, babl_format("Y u8"),
                    mask.data, int(mask.step));
    g_object_unref(buf);
    gimp_drawable_update(GIMP_DRAWABLE(m), 0, 0, gimp_drawable_get_width(GIMP_DRAWABLE(m)),
                         gimp_drawable_get_height(GIMP_DRAWABLE(m)));
}

void Host3::mark(LayerId id) {
    GimpParasite* p = gimp_parasite_new(kMadeParasite, GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE, 1, "1");
    gimp_item_attach_parasite(gimp_item_get_by_id(id), p);
    gimp_parasite_free(p);
}

void Host3::set_visible(LayerId id, bool visible) { gimp_item_set_visible(gimp_item_get_by_id(id), visible); }

void Host3::rename(LayerId id, const std::string& name) { gimp_item_set_name(gimp_item_get_by_id(id), name.c_str()); }

void Host3::replace_pixels(LayerId id, const cv::Mat& pixels) {
    GimpLayer* layer = layer_of(id);
    gimp_layer_resize_to_image_size(layer);
    if (!gimp_drawable_has_alpha(GIMP_DRAWABLE(layer))) gimp_layer_add_alpha(layer);
    write(GIMP_DRAWABLE(layer), pixels);
}

void Host3::remove_layer(LayerId id) { gimp_image_remove_layer(image_, layer_of(id)); }

void Host3::crop(const cv::Rect& a) { gimp_image_crop(target_, a.width, a.height, a.x, a.y); }

void Host3::end_output(bool ok) {
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

void Host3::progress(const std::string& text, double fraction) {
    if (text != text_) {
        text_ = text;
        test_cancel_point(text);  // FSTACK_TEST_CANCEL_AT: a cancel at this stage, for the tests
        gimp_progress_set_text(text.c_str());
    }
    gimp_progress_update(fraction);
}

void Host3::message(const std::string& text) { gimp_message(text.c_str()); }

}  // namespace fstack::gimp
