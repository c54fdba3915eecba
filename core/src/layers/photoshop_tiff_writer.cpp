// SPDX-License-Identifier: GPL-3.0-or-later
// "TIFF with Photoshop layers", as Photoshop (and the seed) write it: one page holding the
// composite, and tag 37724 (ImageSourceData) holding "Adobe Photoshop Document Data Block\0"
// followed by an 8BIM 'Layr' block (or 'Lr16' for 16-bit) with the PSD layer info section.
//
// Written by hand rather than with libtiff: libtiff needs a tag's whole value in memory, and
// the layer data is the size of all the layers. Here the file is laid out in one pass:
// header, layer data (streamed), composite strip, ICC, XMP, then the IFD, whose offsets are
// all known in advance. Big-endian ("MM"), so that the 8BIM blocks read the same in any
// reader, whatever byte order it assumes for them.
#include <array>
#include <vector>

#include "base/byte_sink.hpp"
#include "fstack/error.hpp"
#include "layers/layer_writers.hpp"
#include "layers/psd_layer_info.hpp"

namespace fstack::detail {
namespace {

constexpr char kSignature[] = "Adobe Photoshop Document Data Block";  // + its NUL

struct Entry {
    uint16_t tag, type;
    uint32_t count, value;  // value: the value itself (left-justified SHORT) or an offset
};
constexpr uint16_t kShort = 3, kLong = 4, kByte = 1, kUndefined = 7;

uint64_t even(uint64_t n) { return n + (n & 1); }

}  // namespace

void write_photoshop_tiff(const LayerWriteJob& job) {
    const LayeredImageSpec& spec = job.spec;
    const PsdLayerInfo layers(spec);
    const int spp = spec.alpha ? 4 : 3;
    const int bytes = spec.depth == CV_16U ? 2 : 1;
    const uint64_t blob = sizeof kSignature + 12 + layers.size();
    const uint64_t strip = uint64_t(spec.width) * spec.height * spp * bytes;
    const EmbeddedMetadata& m = job.metadata;
    const std::string& xmp = m.xmp_with_exif;

    // Offsets of everything, in file order.
    const uint64_t blob_at = 8;
    const uint64_t strip_at = blob_at + even(blob);
    const uint64_t icc_at = strip_at + even(strip);
    const uint64_t xmp_at = icc_at + even(m.icc.size());
    const uint64_t bps_at = xmp_at + even(xmp.size());
    const uint64_t ifd_at = bps_at + 2 * spp;
    if (ifd_at + 400 > 0xffffffffull)
        throw Error(ErrorKind::Usage, job.shown, -1,
                    "the layers need more than 4 GB, the TIFF limit; use a multi-page TIFF or ORA");

    std::vector<Entry> entries = {
        {256, kLong, 1, uint32_t(spec.width)},
        {257, kLong, 1, uint32_t(spec.height)},
        {258, kShort, uint32_t(spp), uint32_t(bps_at)},
        {259, kShort, 1, 1u << 16},                    // no compression
        {262, kShort, 1, 2u << 16},                    // RGB
        {273, kLong, 1, uint32_t(strip_at)},
        {277, kShort, 1, uint32_t(spp) << 16},
        {278, kLong, 1, uint32_t(spec.height)},
        {279, kLong, 1, uint32_t(strip)},
        {284, kShort, 1, 1u << 16},                    // chunky
    };
    if (spec.alpha) entries.push_back({338, kShort, 1, 2u << 16});  // unassociated alpha
    if (!xmp.empty()) entries.push_back({700, kByte, uint32_t(xmp.size()), uint32_t(xmp_at)});
    if (!m.icc.empty()) entries.push_back({34675, kUndefined, uint32_t(m.icc.size()), uint32_t(icc_at)});
    entries.push_back({37724, kUndefined, uint32_t(blob), uint32_t(blob_at)});

    ByteSink out(job.tmp.string(), job.shown);
    out.bytes("MM", 2);
    out.be16(42);
    out.be32(uint32_t(ifd_at));

    out.bytes(kSignature, sizeof kSignature);
    out.bytes("8BIM", 4);
    out.bytes(spec.depth == CV_16U ? "Lr16" : "Layr", 4);
    out.be32(uint32_t(layers.size()));
    Compositor composite(spec.width, spec.height);
    job.progress.stage("write " + job.shown, static_cast<int>(spec.layers.size()));
    layers.write(out, job.source, composite, job.progress, job.shown);
    out.zeros(even(blob) - blob);

    // The page: the composite, chunky RGB(A), big-endian samples.
    const cv::Mat page = composite.result(spec.depth, spec.alpha);
    std::vector<uint8_t> row(size_t(spec.width) * spp * bytes);
    static const std::array<int, 4> rgba_from_bgra = {2, 1, 0, 3};
    for (int y = 0; y < page.rows; ++y) {
        uint8_t* r = row.data();
        for (int x = 0; x < page.cols; ++x)
            for (int c = 0; c < spp; ++c) {
                const int src = x * spp + rgba_from_bgra[static_cast<size_t>(c)];
                if (bytes == 2) {
                    const unsigned short v = page.ptr<unsigned short>(y)[src];
                    *r++ = uint8_t(v >> 8);
                    *r++ = uint8_t(v);
                } else {
                    *r++ = page.ptr<uint8_t>(y)[src];
                }
            }
        out.bytes(row.data(), row.size());
    }
    out.zeros(even(strip) - strip);
    out.bytes(m.icc.data(), m.icc.size());
    out.zeros(even(m.icc.size()) - m.icc.size());
    out.bytes(xmp.data(), xmp.size());
    out.zeros(even(xmp.size()) - xmp.size());
    for (int c = 0; c < spp; ++c) out.be16(uint16_t(bytes * 8));

    out.be16(uint16_t(entries.size()));
    for (const Entry& e : entries) {
        out.be16(e.tag);
        out.be16(e.type);
        out.be32(e.count);
        out.be32(e.value);
    }
    out.be32(0);  // no next IFD
    out.close();
}

}  // namespace fstack::detail
