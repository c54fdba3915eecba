// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::cli {

// How results are written, shared by every subcommand that writes stacked images (stack,
// batch): --quality, --compress, --no-metadata, --overwrite, --denoise, --crop.
struct OutputOptions {
    int quality = WriteOptions{}.jpeg_quality;
    bool compress = false;
    bool no_metadata = false;
    bool overwrite = false;
    double denoise = 0;
    bool crop = false;
    CLI::Option* quality_option = nullptr;  // to tell a given --quality from the default
};

void add_output_options(CLI::App& app, OutputOptions& options, const std::string& group = "Output");

// What stack() is asked for: --denoise and --crop.
StackOptions stack_options(const OutputOptions& options);

// ", cropped to 3950x2960 at (20, 18)" for a cropped result, else "".
std::string describe_crop(const StackResult& result);

// The write options for a result whose metadata comes from `first_frame`.
WriteOptions write_options(const OutputOptions& options, const std::filesystem::path& first_frame);

// --quality without JPEG output, --compress with it: said once, not refused (scripts pass one
// set of options to many runs).
void warn_useless_options(const OutputOptions& options, Progress& progress,
                          const std::filesystem::path& first_out);

// The extension of an output named after a frame: ".<format>" if given, else the frame's own
// extension, else (a name that says nothing) one that follows its content.
std::string output_extension(const std::string& format, const std::filesystem::path& first_frame);

}  // namespace fstack::cli
