// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fstack/job.hpp"
#include "fstack/layers.hpp"

namespace fstack {

// The seed's MultiLayer(name, input_path=[...], output_path, working_path, exif_path): combines
// the images of one or more folders (e.g. `batches` and `stack`) into one layered file for
// retouching. Layers are named after their files; the images of the last folder go on top
// (the stacked result), each folder's first image (natural order) highest within the folder.
// The file is named after the top image: <output_path>/<stem of the top image>.<format ext>.
struct MultiLayerOptions {
    // Folders (or single files) relative to working_path; empty: the previous action's output,
    // or the job's input_path for a first action.
    std::vector<std::filesystem::path> input_path;
    std::filesystem::path output_path;   // default: the action's name
    std::filesystem::path working_path;  // default: the job's
    // Folder (or file) whose first image gives EXIF/XMP/ICC; unset: the job's input folder;
    // set to "": no metadata.
    std::optional<std::filesystem::path> exif_path;
    // Layered format: the seed writes a multi-page TIFF, so that is the default.
    LayerFormat format = LayerFormat::Tiff;
    bool compress = false;               // TIFF: deflate
};

class MultiLayer : public Action {
public:
    explicit MultiLayer(std::string name = "multilayer", MultiLayerOptions options = {});
    std::string name() const override { return name_; }
    std::filesystem::path run(JobContext& context) override;
    ActionPaths paths(const JobContext& context) const override;
    std::vector<std::filesystem::path> output_files(const JobContext& context) const override;

private:
    std::vector<std::filesystem::path> layers(const JobContext& context, Progress& progress) const;

    std::string name_;
    MultiLayerOptions options_;
};

}  // namespace fstack
