// SPDX-License-Identifier: GPL-3.0-or-later
#include "output_options.hpp"

#include <cstdlib>

#include "fstack/stack_frames.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;

void add_output_options(CLI::App& app, OutputOptions& o, const std::string& group) {
    o.quality_option = app.add_option("--quality", o.quality, "JPEG quality")
                           ->check(CLI::Range(0, 100))
                           ->capture_default_str()
                           ->type_name("Q")
                           ->group(group);
    app.add_flag("--compress", o.compress, "Lossless compression: TIFF deflate, PNG level 9")->group(group);
    app.add_flag("--no-metadata", o.no_metadata, "Do not copy EXIF/XMP/ICC from the first frame")
        ->group(group);
    app.add_flag("--overwrite", o.overwrite, "Replace existing output files")->group(group);
    app.add_option("--denoise", o.denoise,
                   "Non-local-means denoising strength of the result (0: off; 0.75..1 is mild)")
        ->check(CLI::Validator(
            [](std::string& text) {
                char* end = nullptr;
                const double v = std::strtod(text.c_str(), &end);
                if (text.empty() || *end != '\0') return "'" + text + "' is not a number";
                return denoise_param().check(v);  // the job files' check too: nan and inf refused
            },
            denoise_param().range_text()))
        ->capture_default_str()
        ->type_name("X")
        ->group(group);
    app.add_flag("--crop", o.crop,
                 "Crop the result (and the depth map and retouch layers) to the area every aligned frame "
                 "covers, as focus-stack does [default: keep the frame size, borders filled]")
        ->group(group);
}

StackOptions stack_options(const OutputOptions& o) {
    StackOptions s;
    s.denoise = o.denoise;
    s.crop = o.crop;
    return s;
}

std::string describe_crop(const StackResult& r) {
    if (r.crop.empty()) return "";
    return ", cropped to " + std::to_string(r.crop.width) + "x" + std::to_string(r.crop.height) + " at (" +
           std::to_string(r.crop.x) + ", " + std::to_string(r.crop.y) + ")";
}

WriteOptions write_options(const OutputOptions& o, const fs::path& first_frame) {
    WriteOptions w;
    w.jpeg_quality = o.quality;
    w.compress = o.compress;
    w.overwrite = o.overwrite;
    if (!o.no_metadata) w.metadata_source = first_frame;
    return w;
}

void warn_useless_options(const OutputOptions& o, Progress& progress, const fs::path& first_out) {
    const bool jpeg = format_from_extension(first_out) == FileFormat::Jpeg;
    if (o.quality_option != nullptr && o.quality_option->count() > 0 && !jpeg)
        progress.warn("--quality applies to JPEG output only; ignored for " + first_out.string());
    if (o.compress && jpeg)
        progress.warn("--compress applies to PNG and TIFF output only; ignored for " + first_out.string());
}

std::string output_extension(const std::string& format, const fs::path& first_frame) {
    if (!format.empty()) return "." + format;
    if (format_from_extension(first_frame) != FileFormat::Unknown) return first_frame.extension().string();
    switch (sniff_format(first_frame)) {
        case FileFormat::Png: return ".png";
        case FileFormat::Tiff: return ".tif";
        case FileFormat::Raw: return ".tif";  // 16-bit linear light, see --raw-space
        default: return ".jpg";
    }
}

}  // namespace fstack::cli
