// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <string>

#include "fstack/image_io.hpp"

namespace fstack::cli {

struct StackerOptions;
struct FrameActionOptions;

// "4G", "512M", "1.5GiB", "800000000": a size in bytes (K, M, G, T are powers of 1024, as
// memory is counted). Throws Error(Usage) for anything else.
std::uint64_t parse_memory_size(const std::string& text);
std::string format_memory_size(std::uint64_t bytes);

// The smallest memory limit (bytes) on this process's cgroup and its ancestors, cgroup v1 or v2,
// or 0 where none applies.
std::uint64_t cgroup_limit();

// What the batch may use when --max-memory is not given: half of the memory this process may
// have, that is the machine's, or less where a cgroup (a container, a Slurm job, a Kubernetes
// pod) limits it. Half, because decoders, the allocator and the page cache need room too.
std::uint64_t default_memory_budget();

// Peak memory of stacking one stack of frames like `frame` with `options`, from factors
// measured per stacker (see the .cpp); the process's own fixed footprint is not included.
std::uint64_t estimate_stack_memory(const StackerOptions& options, const ImageInfo& frame, bool denoise,
                                    const FrameActionOptions& actions);

// The process's fixed footprint (code, libraries, OpenCV's pools), measured: counted once.
constexpr std::uint64_t kProcessBaseMemory = 80ull << 20;

}  // namespace fstack::cli
