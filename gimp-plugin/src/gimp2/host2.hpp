// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Host interface on libgimp 2.10 (item IDs, GimpParam world).
#include <libgimp/gimp.h>

#include "../shared/host.hpp"

namespace fstack::gimp {

class Host2 : public Host {
public:
    Host2(gint32 image, GimpRunMode run_mode);

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

    gint32 output_image() const { return target_; }

private:
    const Babl* format(int channels, int depth, gint32 drawable) const;
    void write(gint32 drawable, const cv::Mat& pixels, int x, int y);

    gint32 image_;
    gint32 target_;
    GimpRunMode run_mode_;
    bool new_image_ = false;
    std::string text_;
};

}  // namespace fstack::gimp
