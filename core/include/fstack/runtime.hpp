// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace fstack {

// Keeps freed image buffers in the process for reuse instead of returning them to the system.
// Stackers allocate and free frame-sized buffers for every frame; with glibc's defaults each
// buffer over 32 MiB is a fresh mmap whose pages fault in one by one, which made stacking 5x
// slower on virtual machines. Peak memory is unchanged (the same sizes recur). Also keeps every
// thread on one malloc arena (worker threads' arenas are too small for frames). Called once by
// run_stacker; front ends should call it first thing, before starting threads. Safe to call
// more than once.
void tune_allocator();

}  // namespace fstack
