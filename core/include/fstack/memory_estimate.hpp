// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The peak memory of one stack, from its frame size, stacker, options and frame actions: the one
// formula, from measurements (the table is in the .cpp and in the README's "Memory" section).
// stack() and stack_bunches() refuse a stack that cannot fit before any work; `fstack batch`
// plans its parallel stacks with it and never starts one that cannot fit.
#include <cstdint>
#include <string>

#include "fstack/frame_pipeline.hpp"
#include "fstack/image_io.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

struct MemoryEstimate {
    std::uint64_t bytes = 0;  // peak resident memory above the process's fixed footprint
    std::string what;         // "pyramid", "focusmeasure at scale factor 4, aligned", ...
};

// A stack of frames like `frame` (size, depth, channels), stacked by `stacker` after `pipeline`,
// denoised when `denoise` > 0, and cut into bunches when `bunches`.
MemoryEstimate estimate_stack_memory(const Stacker& stacker, const FramePipeline& pipeline, double denoise,
                                     const ImageInfo& frame, bool bunches = false);

// Throws Error(Input) naming `file` (frame 0) when `estimate` exceeds available_memory(), with
// both figures (check_stack_memory in limits.hpp).
void check_stack_fits(const MemoryEstimate& estimate, const ImageInfo& frame, const std::string& file, int frame_index);

}  // namespace fstack
