// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "fstack/progress.hpp"

namespace fstack::cli {

// Expands FRAMES... | DIR arguments, in the order given, folders in natural order. Non-images
// inside folders are skipped with a warning; a folder without images is an Error(Input) naming
// it, since it is almost always a wrong path; a frame given twice is used once.
std::vector<std::filesystem::path> gather_frames(const std::vector<std::string>& inputs,
                                                 Progress& progress);

// A focus stack needs two frames or more; otherwise throws Error(Input) naming what was given.
void require_two_frames(const std::vector<std::filesystem::path>& frames,
                        const std::vector<std::string>& inputs);

}  // namespace fstack::cli
