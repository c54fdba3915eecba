// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Host interface on libgimp 3.0 (GObject handles; item IDs cross the interface).
#include <libgimp/gimp.h>

#include "../shared/host.hpp"

namespace fstack::gimp {

class Host3 : public Host {
public:
    Host3(GimpImage* image, GimpRunMode run_mode);

    ImageInfo image() override;
    std::vector<LayerInfo> layers() override;
    cv::Mat read(LayerId layer, int depth) override;
    void begin_output(bool new_image) override;
    LayerId add_layer(const std::string& name, const cv::Mat& pixels, LayerId parent, int position) override;
    LayerId add_group(const std::string& name, LayerId parent, int position) override;
    LayerId copy_layer(LayerId layer, LayerId parent, int position) override;
    void set_mask(LayerId layer, const cv::Mat& mask) override;
    void mark(LayerId layer) override;
    void set_visible(LayerId layer, bool visible) override;
    void rename(LayerId layer, const std::string& name) override;
    void replace_pixels(LayerId layer, const cv::Mat& pixels) override;
    void remove_layer(LayerId layer) override;
    void crop(const cv::Rect& area) override;
    void end_output(bool ok) override;
    void progress(const std::string& text, double fraction) override;
    void message(const std::string& text) override;

    GimpImage* output_image() const { return target_; }

private:
    const Babl* format(int channels, int depth, GimpDrawable* drawable) const;
    void write(GimpDrawable* drawable, const cv::Mat& pixels);
    void insert(GimpLayer* layer, LayerId parent, int position);

    GimpImage* image_;
    GimpImage* target_;
    GimpRunMode run_mode_;
    bool new_image_ = false;
    std::string text_;
};

}  // namespace fstack::gimp
