// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The per-format readers behind read_layered_file.
#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/imgproc.hpp>

#include "fstack/layered_read.hpp"

namespace fstack::detail {

LayeredImage read_tiff_layers(const std::filesystem::path& path);
bool tiff_is_layered(const std::filesystem::path& path);
LayeredImage read_ora(const std::filesystem::path& path);

// Guards shared by the readers (a crafted file declares what it likes):
// The part of a w x h rectangle at (left, top) inside a width x height canvas, in canvas
// coordinates, computed in 64 bits; empty when they do not meet.
cv::Rect clip_to_canvas(int64_t left, int64_t top, int64_t w, int64_t h, int width, int height);
// Every layer becomes a full canvas of 4 channels: throws Error(Input) naming `shown` when
// `layers` of them would need more than the memory available.
void check_layers_fit(size_t layers, int width, int height, int depth, const std::string& shown);

}  // namespace fstack::detail
