// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One function per layered format, each writing the complete file at `tmp` (write_layered_file
// renames it into place). `shown` is the final name, for error messages. `spec` is final:
// masks only where the format has them, alpha when a layer needs it.
#include <filesystem>
#include <string>

#include "fstack/layers.hpp"
#include "layers/layer_metadata.hpp"

namespace fstack::detail {

struct LayerWriteJob {
    std::filesystem::path tmp;
    std::string shown;
    const LayeredImageSpec& spec;
    const LayerSource& source;
    const EmbeddedMetadata& metadata;
    Progress& progress;
};

void write_psd(const LayerWriteJob& job);
void write_photoshop_tiff(const LayerWriteJob& job);
void write_tiff_pages(const LayerWriteJob& job);
void write_ora(const LayerWriteJob& job);

}  // namespace fstack::detail
