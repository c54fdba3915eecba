// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The per-format readers behind read_layered_file.
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "fstack/layered_read.hpp"

namespace fstack::detail {

LayeredImage read_tiff_layers(const std::filesystem::path& path);
bool tiff_is_layered(const std::filesystem::path& path);
LayeredImage read_ora(const std::filesystem::path& path);

}  // namespace fstack::detail
