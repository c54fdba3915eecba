// SPDX-License-Identifier: GPL-3.0-or-later
#include "input_options.hpp"

#include "fstack/stack_frames.hpp"

namespace fstack::cli {

void add_input_options(CLI::App& app, InputOptions& o, const std::string& group) {
    app.add_option("--max-pixels", o.max_pixels,
                   "Refuse frames with more pixels than this, from their header, before decoding "
                   "(a guard against damaged files and decompression bombs; 0: no limit)")
        ->capture_default_str()
        ->type_name("N")
        ->group(group);
    app.add_flag("--scale-mismatched", o.scale_mismatched,
                 "Resize frames of another size to the first frame's size (same aspect ratio within "
                 "2%) instead of refusing them")
        ->group(group);
}

void apply_input_options(const InputOptions& o) { set_max_pixels(o.max_pixels); }

void configure_source(const InputOptions& o, FileFrameSource& source) {
    source.set_scale_mismatched(o.scale_mismatched);
}

}  // namespace fstack::cli
