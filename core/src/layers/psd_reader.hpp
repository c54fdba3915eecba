// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include "base/byte_reader.hpp"
#include "fstack/layered_read.hpp"

namespace fstack::detail {

// Parses a PSD layer info section (count, records, channel data) at the reader's position;
// `depth` is CV_8U or CV_16U, the canvas width x height. Layers come out bottom first.
std::vector<ReadLayer> read_psd_layer_info(ByteReader& r, int width, int height, int depth);

// A whole PSD file held in memory.
LayeredImage read_psd(const std::vector<uint8_t>& bytes, const std::string& shown);

}  // namespace fstack::detail
