// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How much memory this process may still use: the system's (MemAvailable + SwapFree) and the
// limit of the process's own cgroup and of every ancestor of it, cgroup v2 and v1 alike. A
// Slurm job step, `systemd-run -p MemoryMax=`, a container without a cgroup namespace: each
// puts the process in a cgroup below the root whose limit /proc/meminfo does not show.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fstack {

// The process's own cgroup in one memory hierarchy, as a folder of the mounted cgroup file system.
struct OwnCgroup {
    std::filesystem::path folder;
    bool v1 = false;  // memory.limit_in_bytes (v1) or memory.max (v2)
};

struct MemoryStatus {
    // MemAvailable + SwapFree of /proc/meminfo; 0 when unknown.
    std::uint64_t system = 0;
    // The smallest memory limit on the process's cgroup and its ancestors (v2 memory.max, v1
    // memory.limit_in_bytes; "max" and v1's huge "no limit" value count as none); 0: no limit.
    std::uint64_t cgroup_limit = 0;
    // The smallest room left under those limits: limit - (usage - inactive page cache), over
    // every cgroup on the way up that has one; at least 1 where a limit is known.
    std::uint64_t cgroup_room = 0;
    // The cgroup folder whose room is the smallest (for messages); empty without a limit.
    std::string cgroup;
    // The process's own cgroup in each memory hierarchy found (v2, v1, or both on a hybrid
    // system), limited or not.
    std::vector<OwnCgroup> own;

    // What the process may still allocate: the smaller of `system` and `cgroup_room` where
    // known; 0 when neither is known.
    std::uint64_t available() const;
};

// Reads /proc/self/cgroup, /proc/self/mountinfo (where each hierarchy is mounted, and which
// part of it a container sees), the cgroup files and /proc/meminfo, all under `root` ("/" on a
// real system; a folder of fabricated files in the tests). Files that are missing or do not
// parse count as "no limit" / "unknown"; this never throws.
MemoryStatus read_memory_status(const std::filesystem::path& root = "/");

}  // namespace fstack
