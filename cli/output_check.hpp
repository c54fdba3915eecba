// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fstack::cli {

// True when both name the same file (links included) or, for paths not yet existing, the same
// place once normalised.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// The input frames by device and inode, so that an output is recognised as an input however it
// is spelt (relative, through .., a symbolic or hard link), in one stat() per output.
class InputFiles {
public:
    explicit InputFiles(const std::vector<std::filesystem::path>& frames);
    bool contains(const std::filesystem::path& p) const;

private:
    std::map<std::pair<dev_t, ino_t>, std::filesystem::path> ids_;
};

// Refuses, before any work, an output file that cannot or must not be written: a folder that
// is missing or not writable, an existing file without --overwrite, or one of the input frames.
// `role` names it in messages ("output", "depth map"). Throws Error(Output).
void check_output_file(const std::filesystem::path& out, const InputFiles& inputs, bool overwrite,
                       const std::string& role = "output");

// For --bunch: OUT must be a writable folder, or not exist yet in a writable folder.
void check_output_folder(const std::filesystem::path& dir);

// Creates the --bunch output folder (and missing parents). Throws Error(Output).
void make_output_folder(const std::filesystem::path& dir);

}  // namespace fstack::cli
