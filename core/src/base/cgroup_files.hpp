// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Where the process's cgroups are: one entry per hierarchy that holds a controller (cgroup v2's
// unified one, or v1's with that controller; both on a hybrid system). Read by the memory
// status (cgroup_memory.cpp) and the CPU quota (threads.cpp).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fstack {

struct CgroupHierarchy {
    std::filesystem::path own;  // the process's cgroup, as a folder of the mounted file system
    std::filesystem::path top;  // the mount's top: walks up from `own` stop there
    bool v1 = false;
};

// From /proc/self/cgroup and /proc/self/mountinfo under `root`; `controller` names the v1
// hierarchy to take ("memory", "cpu"). Never throws; missing files give no entries.
std::vector<CgroupHierarchy> own_cgroups(const std::filesystem::path& root, const std::string& controller);

// Calls `visit` on the process's cgroup and each ancestor up to the mount's top: a limit on any
// of them bounds the process.
void for_each_up(const CgroupHierarchy& h, const std::function<void(const std::filesystem::path&)>& visit);

}  // namespace fstack
