// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The PSD "layer info" section (layer count, layer records, per-channel image data), which both
// the PSD file and the Photoshop TIFF (tag 37724, block 'Layr'/'Lr16') carry. Channel data is
// stored raw (compression 0), so every length is known before the first pixel arrives: the
// section is streamed a layer at a time and nothing is patched afterwards.
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "base/byte_sink.hpp"
#include "fstack/layers.hpp"
#include "layers/layer_document.hpp"

namespace fstack::detail {

class PsdLayerInfo {
public:
    // `spec.layers` as they will be written (masks already decided by the caller).
    explicit PsdLayerInfo(const LayeredImageSpec& spec);
    // Bytes write() produces: count, records, channel data, padded to a multiple of 4.
    uint64_t size() const { return size_; }
    // Writes the section (without a length prefix), pulling each layer from `source` and
    // blending it into `composite` before letting it go.
    void write(ByteSink& out, const LayerSource& source, Compositor& composite, Progress& progress,
               const std::string& shown) const;

private:
    const LayeredImageSpec& spec_;
    ByteBuffer records_;
    uint64_t size_ = 0;
};

// Writes `image` (document layout, BGR or BGRA) as planar big-endian R, G, B[, A] planes, the
// PSD merged-image layout (without its compression word).
void write_psd_planes(ByteSink& out, const cv::Mat& image);

// One channel of `image` (0 = R, 1 = G, 2 = B, 3 = A of a BGR(A) Mat; or a one-channel Mat),
// big-endian, row by row.
void write_psd_channel(ByteSink& out, const cv::Mat& image, int rgba_channel);

}  // namespace fstack::detail
