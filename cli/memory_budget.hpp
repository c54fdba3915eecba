// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <string>

#include "fstack/limits.hpp"  // format_memory_size
#include "fstack/memory_estimate.hpp"

namespace fstack::cli {

// "4G", "512M", "1.5GiB", "800000000": a size in bytes (K, M, G, T are powers of 1024, as
// memory is counted). Throws Error(Usage) for anything else.
std::uint64_t parse_memory_size(const std::string& text);

// What the batch may use when --max-memory is not given: half of the memory this process may
// have, that is the machine's, or less where a cgroup (a container, a Slurm job, a Kubernetes
// pod) limits it. Half, because decoders, the allocator and the page cache need room too.
std::uint64_t default_memory_budget();

// Two stacks at once in `fstack batch -j 2` cost more each than one alone (per-thread arenas,
// OpenCV's per-thread buffers): measured pyramid 84 against 74 B/px, focusmeasure (scale 2) 102
// against 82. The batch plans its parallel stacks with the estimate (memory_estimate.hpp) times
// this; whether a stack fits at all is judged by the estimate itself.
constexpr double kConcurrentFactor = 1.25;
std::uint64_t planned_memory(const MemoryEstimate& estimate);

// The process's fixed footprint (code, libraries, OpenCV's pools), measured: counted once.
constexpr std::uint64_t kProcessBaseMemory = 80ull << 20;

}  // namespace fstack::cli
