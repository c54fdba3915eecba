// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <vector>

#include "fstack/progress.hpp"

namespace fstack {

// The seed's split_into_stacks(paths, stack_size): the paths in natural order of their file
// names ("scan_2" before "scan_10"), cut into consecutive groups of `stack_size`.
//
// A count that is not a multiple of `stack_size` throws Error(Input) by default: in a scanner
// run it means a frame is missing or extra, and every group after that point would mix two
// positions, silently. With `keep_partial`, the short last group is kept and a warning is
// logged instead. Throws Error(Usage) if stack_size < 1.
std::vector<std::vector<std::filesystem::path>> split_into_stacks(
    std::vector<std::filesystem::path> paths, int stack_size, bool keep_partial = false,
    Progress& progress = null_progress());

}  // namespace fstack
