// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How many threads fstack's work uses: the stackers' frames in flight, and OpenCV's own
// parallel loops (filters, warps, conversions). Every result is bit-identical whatever the
// number (the per-frame work is independent, and frames are merged in their order).
#include <filesystem>

namespace fstack {

// The cores this process may run on: its CPU affinity (taskset, a Slurm task's cpuset, a
// container's), lowered to a cgroup CPU quota where one is set (v2 cpu.max, v1
// cpu.cfs_quota_us / cpu.cfs_period_us, on the process's cgroup or an ancestor; rounded up).
// At least 1. `root` is "/" on a real system; a folder of fabricated files in the tests (the
// affinity is then not read).
int available_cores(const std::filesystem::path& root = "/");

// The smallest CPU quota of the process's cgroup and its ancestors, in cores (quota / period);
// 0 when none is set. Never throws.
double cgroup_cpu_quota(const std::filesystem::path& root = "/");

// The threads the work may use (`--threads N`): 0 restores the default, available_cores().
// Also sets OpenCV's thread count. Throws Error(Usage) for a negative or absurd (> 1024) count.
void set_threads(int threads);
// The current count: set_threads' value, or available_cores(). A ScopedThreads on this thread
// overrides it (a batch worker's share of the threads).
int threads();

// This thread's work uses `threads` (at least 1) for its lifetime, whatever set_threads says:
// `fstack batch -j J` gives each of its J workers threads()/J.
class ScopedThreads {
public:
    explicit ScopedThreads(int threads);
    ~ScopedThreads();
    ScopedThreads(const ScopedThreads&) = delete;
    ScopedThreads& operator=(const ScopedThreads&) = delete;

private:
    int previous_;
};

}  // namespace fstack
