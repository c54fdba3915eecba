// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "fstack/frame_source.hpp"
#include "fstack/limits.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::cli {

// How frames are read, shared by every subcommand that reads frames: --max-pixels,
// --scale-mismatched, and how raw frames are developed: --raw-wb, --raw-exposure, --raw-space,
// --allow-mixed; and the threads and the device that read and stack them: --threads, --device.
struct InputOptions {
    int threads = 0;  // 0: the cores this process may use
    std::string device;  // --device; empty: not given (auto)
    std::uint64_t max_pixels = kDefaultMaxPixels;
    bool scale_mismatched = false;
    std::string raw_wb = "as-shot";
    double raw_exposure = 0;
    std::string raw_space = "auto";
    bool allow_mixed = false;
};

void add_input_options(CLI::App& app, InputOptions& options, const std::string& group = "Input");

// The --threads option (also `fstack run`'s): 0, the default, is every core the process may use.
void add_threads_option(CLI::App& app, int& threads);

// The --device option (also `fstack run`'s) and its effect: resolve_device() and set_device()
// where given (Error(Usage) where the device cannot be used); nothing where not given.
void add_device_option(CLI::App& app, std::string& device);
void apply_device_option(const std::string& device);

// Applies the process-wide part (the pixel limit, the threads): call once parsing succeeded,
// before reading.
void apply_input_options(const InputOptions& options);

// Applies the per-source part to a source of frames; `output` is the result it makes (a TIFF
// makes --raw-space auto linear).
void configure_source(const InputOptions& options, FileFrameSource& source,
                      const std::filesystem::path& output = {});

}  // namespace fstack::cli
