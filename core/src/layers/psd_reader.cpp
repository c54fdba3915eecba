// SPDX-License-Identifier: GPL-3.0-or-later
// PSD reading: RGB (and grey) documents, 8 or 16 bit, raw or PackBits channel data, layers
// placed on the canvas at their rectangle, with user masks. Enough for what fstack, GIMP and
// Krita write; not the adjustment layers, groups or effects of a Photoshop document.
#include "layers/psd_reader.hpp"

#include <opencv2/core.hpp>

#include "fstack/limits.hpp"
#include "layers/layered_readers.hpp"

#include <algorithm>
#include <cstdlib>

namespace fstack::detail {
namespace {

struct Rect {
    int32_t top = 0, left = 0, bottom = 0, right = 0;
    // In 64 bits: a crafted rectangle's right - left overflows 32.
    int64_t width() const { return int64_t(right) - left; }
    int64_t height() const { return int64_t(bottom) - top; }
};

Rect read_rect(ByteReader& r) {
    Rect x;
    x.top = int32_t(r.be32());
    x.left = int32_t(r.be32());
    x.bottom = int32_t(r.be32());
    x.right = int32_t(r.be32());
    return x;
}

std::string utf8(const std::vector<uint16_t>& u) {
    std::string s;
    for (size_t i = 0; i < u.size(); ++i) {
        uint32_t c = u[i];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < u.size()) c = 0x10000 + ((c - 0xd800) << 10) + (u[++i] - 0xdc00);
        if (c < 0x80) s += char(c);
        else if (c < 0x800) { s += char(0xc0 | c >> 6); s += char(0x80 | (c & 0x3f)); }
        else if (c < 0x10000) { s += char(0xe0 | c >> 12); s += char(0x80 | (c >> 6 & 0x3f)); s += char(0x80 | (c & 0x3f)); }
        else { s += char(0xf0 | c >> 18); s += char(0x80 | (c >> 12 & 0x3f)); s += char(0x80 | (c >> 6 & 0x3f)); s += char(0x80 | (c & 0x3f)); }
    }
    return s;
}

// PackBits: n >= 0 copies n + 1 bytes, n < 0 repeats the next byte 1 - n times.
void unpack_bits(ByteReader& r, size_t packed, uint8_t* out, size_t size) {
    const size_t end = r.pos() + packed;
    size_t o = 0;
    while (r.pos() < end && o < size) {
        const int8_t n = int8_t(r.u8());
        if (n >= 0) {
            const size_t k = size_t(n) + 1;
            if (o + k > size) r.fail("corrupt PackBits data");
            const uint8_t* p = r.take(k);
            std::copy(p, p + k, out + o);
            o += k;
        } else if (n != -128) {
            const size_t k = size_t(1 - n);
            if (o + k > size) r.fail("corrupt PackBits data");
            std::fill(out + o, out + o + k, r.u8());
            o += k;
        }
    }
    r.seek(end);
}

// One channel of w x h samples into `plane` (CV_8U or CV_16U).
void read_channel(ByteReader& r, int w, int h, int depth, int compression, cv::Mat& plane,
                  const std::vector<uint32_t>& rle_counts, size_t row0) {
    const int bytes = depth == CV_16U ? 2 : 1;
    plane.create(h, w, depth);
    std::vector<uint8_t> row(size_t(w) * bytes);
    for (int y = 0; y < h; ++y) {
        if (compression == 0) {
            const uint8_t* p = r.take(row.size());
            std::copy(p, p + row.size(), row.begin());
        } else {
            unpack_bits(r, rle_counts[row0 + size_t(y)], row.data(), row.size());
        }
        for (int x = 0; x < w; ++x) {
            if (bytes == 2) plane.ptr<uint16_t>(y)[x] = uint16_t(row[2 * x] << 8 | row[2 * x + 1]);
            else plane.ptr<uint8_t>(y)[x] = row[x];
        }
    }
}

// Whether `bytes` of channel data can hold `rows` rows of `row_bytes` each: raw rows take their
// full size; PackBits keeps a 2-byte count per row and turns 2 bytes into at most 128.
bool can_hold(int compression, uint64_t rows, uint64_t row_bytes, uint64_t bytes) {
    const uint64_t need = rows * row_bytes;
    if (compression == 0) return need <= bytes;
    return 2 * rows <= bytes && need <= (bytes - 2 * rows) * 64;
}

// A channel block as layer channel data stores it: compression word, then rows.
cv::Mat read_layer_channel(ByteReader& r, size_t length, int64_t w64, int64_t h64, int depth) {
    const size_t start = r.pos();
    cv::Mat plane;
    if (w64 <= 0 || h64 <= 0) {
        r.seek(start + length);
        return plane;
    }
    check_pixel_limit(w64, h64, r.shown(), -1);
    const int w = int(w64), h = int(h64);
    // Before allocating: the block must be able to hold what its rectangle declares.
    if (length < 2 || length > r.size() - start)
        r.fail("corrupt PSD layer channel (its length runs past the end of the file)");
    const int compression = r.be16();
    const uint64_t data = length - 2;
    if ((compression == 0 || compression == 1) && !can_hold(compression, uint64_t(h), uint64_t(w) * (depth == CV_16U ? 2 : 1), data))
        r.fail("corrupt PSD layer channel (" + std::to_string(data) + " bytes cannot hold a " +
               std::to_string(w) + " x " + std::to_string(h) + " layer)");
    std::vector<uint32_t> counts;
    if (compression == 1)
        for (int y = 0; y < h; ++y) counts.push_back(r.be16());
    else if (compression != 0)
        r.fail("PSD channel compression " + std::to_string(compression) + " is not supported (only raw and PackBits)");
    read_channel(r, w, h, depth, compression, plane, counts, 0);
    r.seek(start + length);
    return plane;
}

struct Record {
    Rect rect, mask_rect;
    std::vector<std::pair<int16_t, uint32_t>> channels;
    uint8_t flags = 0, mask_default = 0;
    std::string name;
};

Record read_record(ByteReader& r) {
    Record rec;
    rec.rect = read_rect(r);
    const int n = r.be16();
    for (int c = 0; c < n; ++c) {
        const int16_t id = int16_t(r.be16());
        rec.channels.push_back({id, r.be32()});
    }
    if (r.str(4) != "8BIM") r.fail("corrupt PSD layer record");
    r.skip(4 + 1 + 1);  // blend mode, opacity, clipping
    rec.flags = r.u8();
    r.skip(1);
    const uint32_t extra = r.be32();
    const size_t end = r.pos() + extra;
    const uint32_t mask_len = r.be32();
    const size_t mask_end = r.pos() + mask_len;
    if (mask_len >= 20) {
        rec.mask_rect = read_rect(r);
        rec.mask_default = r.u8();
    }
    r.seek(mask_end);
    r.skip(r.be32());  // blending ranges
    const uint8_t name_len = r.u8();
    rec.name = r.str(name_len);
    r.skip((4 - (1 + name_len) % 4) % 4);
    while (r.pos() + 12 <= end) {
        const std::string sig = r.str(4), key = r.str(4);
        const uint32_t len = r.be32();
        const size_t next = r.pos() + len;
        if (sig != "8BIM" && sig != "8B64") break;
        if (key == "luni") {
            const uint32_t count = r.be32();
            std::vector<uint16_t> u;
            for (uint32_t i = 0; i < count; ++i) u.push_back(r.be16());
            while (!u.empty() && u.back() == 0) u.pop_back();
            rec.name = utf8(u);
        }
        r.seek(next);
    }
    r.seek(end);
    return rec;
}

// Copies `part` (placed at rect) into a canvas-sized plane filled with `fill`.
cv::Mat on_canvas(const cv::Mat& part, const Rect& rect, int width, int height, int depth, double fill) {
    cv::Mat canvas(height, width, depth, cv::Scalar(fill));
    if (part.empty()) return canvas;
    const cv::Rect clip = clip_to_canvas(rect.left, rect.top, part.cols, part.rows, width, height);
    if (clip.area() > 0)
        part(cv::Rect(int(clip.x - int64_t(rect.left)), int(clip.y - int64_t(rect.top)), clip.width, clip.height))
            .copyTo(canvas(clip));
    return canvas;
}

}  // namespace

std::vector<ReadLayer> read_psd_layer_info(ByteReader& r, int width, int height, int depth) {
    const int count = std::abs(int16_t(r.be16()));
    std::vector<Record> records;
    for (int i = 0; i < count; ++i) records.push_back(read_record(r));
    // A small file of many empty layers on a large canvas must not take all the memory there is.
    check_layers_fit(records.size(), width, height, depth, r.shown());
    const double max_value = depth == CV_16U ? 65535.0 : 255.0;
    std::vector<ReadLayer> layers;
    for (const Record& rec : records) {
        cv::Mat planes[4];  // R, G, B, A
        cv::Mat mask;
        bool has_alpha = false;
        for (const auto& [id, length] : rec.channels) {
            const bool is_mask = id == -2;
            const Rect& at = is_mask ? rec.mask_rect : rec.rect;
            cv::Mat part = read_layer_channel(r, length, at.width(), at.height(), depth);
            if (is_mask) {
                mask = on_canvas(part, at, width, height, depth, rec.mask_default ? max_value : 0);
            } else if (id >= -1 && id <= 2) {
                planes[id == -1 ? 3 : id] = on_canvas(part, at, width, height, depth, 0);
                has_alpha |= id == -1;
            }
        }
        ReadLayer layer;
        layer.name = rec.name;
        layer.visible = !(rec.flags & 2);
        for (int c = 0; c < 3; ++c)
            if (planes[c].empty()) planes[c] = on_canvas(cv::Mat(), rec.rect, width, height, depth, 0);
        if (!has_alpha && (rec.rect.left > 0 || rec.rect.top > 0 || rec.rect.width() < width || rec.rect.height() < height)) {
            // A layer smaller than the canvas without a transparency channel: outside is clear.
            planes[3] = cv::Mat(height, width, depth, cv::Scalar(0));
            const cv::Rect inside = clip_to_canvas(rec.rect.left, rec.rect.top, rec.rect.width(), rec.rect.height(), width, height);
            if (inside.area() > 0) planes[3](inside).setTo(max_value);
            has_alpha = true;
        }
        std::vector<cv::Mat> bgr = {planes[2], planes[1], planes[0]};
        if (has_alpha) bgr.push_back(planes[3]);
        cv::merge(bgr, layer.pixels);
        layer.mask = mask;
        layers.push_back(std::move(layer));
    }
    return layers;
}

LayeredImage read_psd(const std::vector<uint8_t>& bytes, const std::string& shown) {
    ByteReader r(bytes.data(), bytes.size(), shown);
    if (r.str(4) != "8BPS") r.fail("not a PSD file");
    if (r.be16() != 1) r.fail("a PSB (large document) file: not supported");
    r.skip(6);
    const int channels = r.be16();
    if (channels < 1 || channels > 56) r.fail("corrupt PSD header (" + std::to_string(channels) + " channels; 1 to 56 are possible)");
    LayeredImage image;
    image.height = int(r.be32());
    image.width = int(r.be32());
    const int bits = r.be16();
    const int mode = r.be16();
    if (bits != 8 && bits != 16) r.fail("PSD with " + std::to_string(bits) + "-bit channels: only 8 and 16 are supported");
    if (mode != 3 && mode != 1) r.fail("PSD colour mode " + std::to_string(mode) + ": only RGB and grey are supported");
    check_pixel_limit(image.width, image.height, shown, -1);
    const int depth = bits == 16 ? CV_16U : CV_8U;
    r.skip(r.be32());  // colour mode data
    r.skip(r.be32());  // image resources
    const uint32_t lm = r.be32();
    const size_t lm_end = r.pos() + lm;
    if (lm > 0) {
        const uint32_t li = r.be32();
        const size_t li_end = r.pos() + li;
        if (li > 0) image.layers = read_psd_layer_info(r, image.width, image.height, depth);
        r.seek(li_end);
        // 16-bit Photoshop documents keep their layers in an 'Lr16' block after the global mask.
        if (li == 0 && r.pos() + 4 <= lm_end) {
            r.skip(r.be32());
            while (r.pos() + 12 <= lm_end) {
                const std::string sig = r.str(4), key = r.str(4);
                const uint32_t len = r.be32();
                const size_t next = r.pos() + len;
                if (key == "Lr16" || key == "Layr") image.layers = read_psd_layer_info(r, image.width, image.height, depth);
                r.seek(next);
            }
        }
    }
    r.seek(lm_end);
    // The merged image: planar, all rows of a channel before the next.
    const int compression = r.be16();
    if (compression != 0 && compression != 1)
        r.fail("PSD merged-image compression " + std::to_string(compression) + " is not supported");
    // As for layers: the data left must be able to hold what the header declares.
    const uint64_t rows = uint64_t(image.height) * uint64_t(channels);
    const uint64_t left = r.size() - r.pos();
    if (!can_hold(compression, rows, uint64_t(image.width) * (depth == CV_16U ? 2 : 1), left))
        r.fail("the merged image is truncated or corrupt (" + std::to_string(left) + " bytes cannot hold " +
               std::to_string(channels) + " channels of " + std::to_string(image.width) + " x " +
               std::to_string(image.height) + ")");
    std::vector<uint32_t> counts;
    if (compression == 1)
        for (uint64_t i = 0; i < rows; ++i) counts.push_back(r.be16());
    std::vector<cv::Mat> planes(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c)
        read_channel(r, image.width, image.height, depth, compression, planes[static_cast<size_t>(c)], counts,
                     size_t(c) * image.height);
    if (mode == 1) {
        image.composite = planes[0];
    } else if (channels >= 3) {
        std::vector<cv::Mat> bgr = {planes[2], planes[1], planes[0]};
        if (channels >= 4) bgr.push_back(planes[3]);
        cv::merge(bgr, image.composite);
    }
    return image;
}

}  // namespace fstack::detail
