// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `fstack stack --retouch-layers OUT.{tif,psd,ora}`: kept out of cmd_stack.cpp so that the
// stack command only registers the option, checks it and calls write_retouch().
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "fstack/progress.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker.hpp"
#include "output_check.hpp"

namespace fstack::cli {

struct RetouchArgs {
    std::string path;    // empty: no retouch document
    std::string format;  // --retouch-format: tif, pstif, psd, ora (default: from the extension)
};

// Adds --retouch-layers FILE and --retouch-format to `app` (excluded with `bunch`).
void add_retouch_options(CLI::App& app, RetouchArgs& args, CLI::Option* bunch, const std::string& group);

// Usage checks before any work: a known layered format, not the same file as `output`.
void check_retouch_usage(const RetouchArgs& args, const std::string& output);

// Output checks before any work (exists without --overwrite, is an input, folder missing).
void check_retouch_output(const RetouchArgs& args, const InputFiles& inputs, bool overwrite);

// Writes the retouch document from the frames the stacker saw (aligned, if alignment ran).
void write_retouch(const RetouchArgs& args, FrameSource& frames, const StackResult& result,
                   const std::filesystem::path& metadata_source, bool compress, bool overwrite,
                   Progress& progress);

}  // namespace fstack::cli
