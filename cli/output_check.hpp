// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "fstack/output_check.hpp"

namespace fstack::cli {

// The shared check (fstack/output_check.hpp), as the commands name it.
using fstack::InputFiles;
using fstack::same_file;

// Refuses, before any work, an output file that cannot or must not be written: a folder that
// is missing or not writable, an existing file without --overwrite, one of the input frames,
// a name too long for the file system. `role` names it in messages ("output", "depth map").
// Throws Error(Output).
void check_output_file(const std::filesystem::path& out, const InputFiles& inputs, bool overwrite,
                       const std::string& role = "output");

// Refuses (Error(Output)) an output folder (--plots, noise-map -o) that is an input folder or
// holds input frames: the next run would take what is written there for frames. `option`
// names it ("--plots").
void check_folder_not_input(const std::filesystem::path& dir, const InputFiles& inputs, const std::string& option);

// For --bunch: OUT must be a writable folder, or not exist yet in a writable folder.
void check_output_folder(const std::filesystem::path& dir);

// Creates the --bunch output folder (and missing parents). Throws Error(Output).
void make_output_folder(const std::filesystem::path& dir);

}  // namespace fstack::cli
