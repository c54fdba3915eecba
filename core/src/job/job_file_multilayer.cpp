// SPDX-License-Identifier: GPL-3.0-or-later
// The MultiLayer table of a job file.
#include "job/job_file_multilayer.hpp"

#include "fstack/error.hpp"

#if __has_include("fstack/multilayer.hpp") && __has_include("fstack/layers.hpp")
#include "fstack/multilayer.hpp"
#define FSTACK_HAVE_MULTILAYER 1
#endif

namespace fstack::jobfile {

std::unique_ptr<Action> make_multilayer_action(TableReader& r, const std::string& name,
                                               const std::filesystem::path& working_path) {
#ifdef FSTACK_HAVE_MULTILAYER
    MultiLayerOptions o;
    if (auto v = r.strings("input_path"))
        for (const auto& p : *v) o.input_path.emplace_back(p);
    if (auto v = r.string("output_path")) o.output_path = *v;
    if (!working_path.empty()) o.working_path = working_path;
    if (auto v = r.string("exif_path")) o.exif_path = std::filesystem::path(*v);
    if (auto v = r.choice("format", {"tiff", "photoshop-tiff", "psd", "ora"}))
        o.format = *v == "tiff" ? LayerFormat::Tiff : *v == "photoshop-tiff" ? LayerFormat::PhotoshopTiff
                 : *v == "psd" ? LayerFormat::Psd : LayerFormat::Ora;
    if (auto v = r.boolean("compress")) o.compress = *v;
    r.finish();
    try {
        return std::make_unique<MultiLayer>(name, o);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Usage) throw;
        r.fail("type", e.reason());
    }
#else
    (void)name;
    (void)working_path;
    r.fail("type", "MultiLayer is not available yet");
#endif
}

}  // namespace fstack::jobfile
