// SPDX-License-Identifier: GPL-3.0-or-later
// The PSD layer info section, written by the PSD and Photoshop-TIFF writers.
#include "layers/psd_layer_info.hpp"

#include <vector>

#include "fstack/error.hpp"

namespace fstack::detail {
namespace {

// UTF-8 to UTF-16 code units (for the 'luni' block: Photoshop shows the Pascal name only up to
// 255 bytes and in the system code page; GIMP, Krita and Photoshop prefer 'luni').
std::vector<uint16_t> utf16(const std::string& s) {
    std::vector<uint16_t> out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        uint32_t cp = c;
        int extra = 0;
        if (c >= 0xf0) { cp = c & 0x07; extra = 3; }
        else if (c >= 0xe0) { cp = c & 0x0f; extra = 2; }
        else if (c >= 0xc0) { cp = c & 0x1f; extra = 1; }
        ++i;
        for (int k = 0; k < extra && i < s.size(); ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3f);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(uint16_t(0xd800 + (cp >> 10)));
            out.push_back(uint16_t(0xdc00 + (cp & 0x3ff)));
        } else {
            out.push_back(uint16_t(cp));
        }
    }
    return out;
}

struct ChannelPlan {
    int16_t id;       // -2 user mask, -1 transparency, 0 R, 1 G, 2 B
    int rgba;         // channel of the BGR(A) Mat, or -1 for the mask
};

std::vector<ChannelPlan> channels_of(const LayeredImageSpec& spec, const LayerSpec& layer) {
    std::vector<ChannelPlan> plan;
    if (spec.alpha) plan.push_back({-1, 3});
    plan.push_back({0, 0});
    plan.push_back({1, 1});
    plan.push_back({2, 2});
    if (layer.has_mask) plan.push_back({-2, -1});
    return plan;
}

void record(ByteBuffer& b, const LayeredImageSpec& spec, const LayerSpec& layer) {
    const uint32_t channel_bytes =
        2 + uint32_t(spec.width) * uint32_t(spec.height) * (spec.depth == CV_16U ? 2u : 1u);
    b.be32(0);
    b.be32(0);
    b.be32(uint32_t(spec.height));
    b.be32(uint32_t(spec.width));
    const auto plan = channels_of(spec, layer);
    b.be16(uint16_t(plan.size()));
    for (const ChannelPlan& c : plan) {
        b.be16(uint16_t(c.id));
        b.be32(channel_bytes);
    }
    b.bytes("8BIMnorm", 8);
    b.u8(255);                         // opacity
    b.u8(0);                           // clipping: base
    b.u8(layer.visible ? 0 : 2);        // bit 1 set = hidden (despite the spec's "visible")
    b.u8(0);
    ByteBuffer extra;
    if (layer.has_mask) {
        extra.be32(20);
        extra.be32(0);
        extra.be32(0);
        extra.be32(uint32_t(spec.height));
        extra.be32(uint32_t(spec.width));
        extra.u8(0);  // default colour outside the rectangle (there is no outside)
        extra.u8(0);  // flags: enabled, position relative to the layer
        extra.zeros(2);
    } else {
        extra.be32(0);
    }
    extra.be32(0);  // no blending ranges
    std::string pascal = layer.name.substr(0, 255);
    extra.u8(uint8_t(pascal.size()));
    extra.bytes(pascal.data(), pascal.size());
    extra.zeros((4 - (1 + pascal.size()) % 4) % 4);
    const std::vector<uint16_t> u = utf16(layer.name);
    uint32_t luni = 4 + 2 * uint32_t(u.size());
    const uint32_t luni_padded = (luni + 3) / 4 * 4;
    extra.bytes("8BIMluni", 8);
    extra.be32(luni_padded);
    extra.be32(uint32_t(u.size()));
    for (uint16_t c : u) extra.be16(c);
    extra.zeros(luni_padded - luni);
    b.be32(uint32_t(extra.size()));
    b.bytes(extra.data().data(), extra.size());
}

template <typename T>
void channel_rows(ByteSink& out, const cv::Mat& image, int channel) {
    const int ch = image.channels();
    std::vector<uint8_t> row(size_t(image.cols) * sizeof(T));
    for (int y = 0; y < image.rows; ++y) {
        const T* p = image.ptr<T>(y) + channel;
        uint8_t* r = row.data();
        for (int x = 0; x < image.cols; ++x, p += ch) {
            if (sizeof(T) == 2) {
                *r++ = uint8_t(*p >> 8);
                *r++ = uint8_t(*p & 0xff);
            } else {
                *r++ = uint8_t(*p);
            }
        }
        out.bytes(row.data(), row.size());
    }
}

}  // namespace

void write_psd_channel(ByteSink& out, const cv::Mat& image, int rgba_channel) {
    // BGR(A) Mats: R is channel 2, B channel 0; alpha stays 3; one-channel Mats are channel 0.
    const int c = image.channels() == 1 ? 0 : rgba_channel == 0 ? 2 : rgba_channel == 2 ? 0 : rgba_channel;
    if (image.depth() == CV_16U) channel_rows<unsigned short>(out, image, c);
    else channel_rows<unsigned char>(out, image, c);
}

void write_psd_planes(ByteSink& out, const cv::Mat& image) {
    for (int c = 0; c < image.channels(); ++c) write_psd_channel(out, image, c);
}

PsdLayerInfo::PsdLayerInfo(const LayeredImageSpec& spec) : spec_(spec) {
    const uint64_t channel_bytes = 2 + uint64_t(spec.width) * uint64_t(spec.height) * (spec.depth == CV_16U ? 2 : 1);
    uint64_t data = 0;
    for (const LayerSpec& layer : spec.layers) {
        record(records_, spec, layer);
        data += channel_bytes * channels_of(spec, layer).size();
    }
    size_ = (2 + records_.size() + data + 3) / 4 * 4;
}

void PsdLayerInfo::write(ByteSink& out, const LayerSource& source, Compositor& composite,
                         Progress& progress, const std::string& shown) const {
    const uint64_t start = out.position();
    const int n = static_cast<int>(spec_.layers.size());
    // A negative count says the merged image's first extra channel is its transparency.
    out.be16(uint16_t(spec_.alpha ? -n : n));
    out.bytes(records_.data().data(), records_.size());
    for (int i = 0; i < n; ++i) {
        progress.check_cancel();
        const LayerSpec& layer = spec_.layers[static_cast<size_t>(i)];
        LayerPixels in = source(i);
        const cv::Mat pixels = to_document_layout(in.pixels, spec_, i, shown);
        cv::Mat mask;
        if (layer.has_mask) mask = mask_to_depth(in.mask, spec_, i, shown);
        in = {};  // let the caller's copy go before the next layer is read
        for (const ChannelPlan& c : channels_of(spec_, layer)) {
            out.be16(0);  // raw
            write_psd_channel(out, c.rgba < 0 ? mask : pixels, c.rgba < 0 ? 0 : c.rgba);
        }
        if (layer.visible) composite.over(pixels, mask);
        progress.step(i + 1);
    }
    out.zeros(size_ - (out.position() - start));
}

}  // namespace fstack::detail
