// SPDX-License-Identifier: GPL-3.0-or-later
// PSD writer: header, image resources (ICC, EXIF, XMP), the layer info section streamed a layer
// at a time, and the merged image, all raw. Classic PSD lengths are 32-bit: a document whose
// layers need more than 4 GB is refused before anything is written (PSB is not written).
#include "base/byte_sink.hpp"
#include "fstack/error.hpp"
#include "layers/layer_writers.hpp"
#include "layers/psd_layer_info.hpp"

namespace fstack::detail {
namespace {

void resource(ByteBuffer& b, uint16_t id, const void* data, size_t n) {
    b.bytes("8BIM", 4);
    b.be16(id);
    b.be16(0);  // empty Pascal name, padded to even
    b.be32(uint32_t(n));
    b.bytes(data, n);
    if (n % 2) b.u8(0);
}

}  // namespace

void write_psd(const LayerWriteJob& job) {
    const LayeredImageSpec& spec = job.spec;
    if (spec.width > 30000 || spec.height > 30000)
        throw Error(ErrorKind::Usage, job.shown, -1, "PSD holds at most 30000x30000 pixels; use a multi-page TIFF or ORA");
    const PsdLayerInfo layers(spec);
    // The layer-and-mask section: layer info length + layer info + global mask info length.
    const uint64_t section = 4 + layers.size() + 4;
    if (section >= 0xffffffffull)
        throw Error(ErrorKind::Usage, job.shown, -1,
                    "the layers need more than 4 GB, the PSD limit; use a multi-page TIFF or ORA");

    ByteBuffer resources;
    const EmbeddedMetadata& m = job.metadata;
    if (!m.icc.empty()) resource(resources, 1039, m.icc.data(), m.icc.size());
    if (!m.exif.empty()) resource(resources, 1058, m.exif.data(), m.exif.size());
    if (!m.xmp.empty()) resource(resources, 1060, m.xmp.data(), m.xmp.size());

    ByteSink out(job.tmp.string(), job.shown);
    out.bytes("8BPS", 4);
    out.be16(1);
    out.zeros(6);
    out.be16(spec.alpha ? 4 : 3);
    out.be32(uint32_t(spec.height));
    out.be32(uint32_t(spec.width));
    out.be16(spec.depth == CV_16U ? 16 : 8);
    out.be16(3);  // RGB
    out.be32(0);  // no colour mode data
    out.be32(uint32_t(resources.size()));
    out.bytes(resources.data().data(), resources.size());

    out.be32(uint32_t(section));
    out.be32(uint32_t(layers.size()));
    Compositor composite(spec.width, spec.height);
    job.progress.stage("write " + job.shown, static_cast<int>(spec.layers.size()));
    layers.write(out, job.source, composite, job.progress, job.shown);
    out.be32(0);  // no global layer mask info

    out.be16(0);  // merged image, raw
    write_psd_planes(out, composite.result(spec.depth, spec.alpha));
    out.close();
}

}  // namespace fstack::detail
