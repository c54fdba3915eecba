// SPDX-License-Identifier: GPL-3.0-or-later
#include "retouch_option.hpp"

#include "fstack/error.hpp"
#include "fstack/layers.hpp"
#include "fstack/retouch_layers.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::cli {
namespace {

LayerFormat format_of(const RetouchArgs& a) {
    return a.format.empty() ? layer_format_from_extension(a.path) : layer_format_from_name(a.format);
}

}  // namespace

void add_retouch_options(CLI::App& app, RetouchArgs& args, CLI::Option* bunch, const std::string& group) {
    CLI::Option* layers =
        app.add_option("--retouch-layers", args.path,
                       "Also write a layered file for retouching: the result on top, every frame "
                       "under it with a mask white where it is sharpest (.psd keeps masks; .tif "
                       "and .ora get them as alpha), the depth map hidden at the bottom")
            ->type_name("FILE")
            ->group(group);
    if (bunch) layers->excludes(bunch);
    app.add_option("--retouch-format", args.format,
                   "Layered format of --retouch-layers [default: from its extension; pstif: "
                   "TIFF with Photoshop layers]")
        ->check(CLI::IsMember({"tif", "tiff", "pstif", "psd", "ora"}, CLI::ignore_case))
        ->needs(layers)
        ->group(group);
}

void check_retouch_usage(const RetouchArgs& args, const std::string& output) {
    if (args.path.empty()) return;
    format_of(args);  // throws Error(Usage) for an unknown extension
    if (same_file(args.path, output))
        throw Error(ErrorKind::Usage, args.path, -1, "the retouch layers file and OUT are the same file");
}

void check_retouch_output(const RetouchArgs& args, const InputFiles& inputs, bool overwrite) {
    if (!args.path.empty()) check_output_file(args.path, inputs, overwrite, "retouch layers file");
}

void write_retouch(const RetouchArgs& args, FrameSource& frames, const StackResult& result,
                   const std::filesystem::path& metadata_source, bool compress, bool overwrite,
                   Progress& progress) {
    if (args.path.empty()) return;
    RetouchLayersOptions o;
    o.metadata_source = metadata_source;
    o.compress = compress;
    o.overwrite = overwrite;
    write_retouch_layers(args.path, format_of(args), frames, result, o, progress);
    progress.info("wrote retouch layers " + args.path + " (" + std::to_string(frames.size() + 2) + " layers)");
}

}  // namespace fstack::cli
