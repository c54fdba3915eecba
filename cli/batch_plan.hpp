// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fstack/progress.hpp"
#include "fstack/split_into_stacks.hpp"

namespace fstack::cli {

// One stack of a batch: its frames, the image it becomes, and whether that is already there.
struct PlannedStack {
    std::string name;                         // the --group-by capture, or the first frame's stem
    std::vector<std::filesystem::path> frames;
    std::filesystem::path output;
    bool done = false;                        // a finished output exists and no --overwrite: skipped
    bool replace = false;                     // an unfinished output (empty, truncated) is in the way: redone
    std::string blocked;                      // why the output cannot be written (a folder of its name)
    std::uint64_t memory = 0;                 // estimated peak bytes while stacking, as planned
    std::string refused;                      // why it cannot fit in the memory left: never started
};

// Cuts the folder's frames (natural order) into stacks: consecutive groups of `stack_size`
// (the seed's split_into_stacks), or, with a non-empty `group_by`, by the first capture group
// of that regular expression (ECMAScript, searched in the file name); frames that do not match
// are skipped with one warning. Stacks keep the order of their first frames.
std::vector<PlannedStack> group_stacks(const std::vector<std::filesystem::path>& frames, int stack_size,
                                       const std::string& group_by, bool keep_partial, Progress& progress);

// --shard I/N: 1 <= I <= N, both 64-bit. Throws Error(Usage), for "" too.
struct Shard {
    std::uint64_t index = 1;
    std::uint64_t count = 1;
};
Shard parse_shard(const std::string& text);

// The stacks of shard I of N: every stack whose position p (from 0, in the whole batch) has
// p % N == I - 1. Shards are disjoint and together cover the batch, whatever is done already,
// so that N machines given the same folder need no coordination.
std::vector<PlannedStack> select_shard(std::vector<PlannedStack> stacks, Shard shard);

// Names each stack's output OUTDIR/<name><postfix><ext>, checks it (output_check.hpp) and,
// unless `overwrite`, marks as done those whose output exists and decodes in full to at most the
// frames' size; an output that does not (empty, truncated, damaged) is redone, with a warning,
// and a folder of the output's name blocks its stack (reported as failed). Throws
// Error(Usage) where two stacks would write one file, Error(Output) where an output would be one
// of the frames or its name is too long.
void plan_outputs(std::vector<PlannedStack>& stacks, const std::filesystem::path& out_dir,
                  const std::string& format, const std::string& postfix, bool overwrite, Progress& progress);

}  // namespace fstack::cli
