// SPDX-License-Identifier: GPL-3.0-or-later
// The memory this process may still use: /proc/meminfo and its cgroup's limits, v1 and v2.
#include "fstack/cgroup_memory.hpp"

#include "base/cgroup_files.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace fstack {
namespace fs = std::filesystem;
namespace {

// v1 writes PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages) for "no limit".
constexpr std::uint64_t kNoLimitAbove = 1ull << 60;

// The first word of a file as a byte count: "max" (v2) and v1's huge value are no limit (0).
bool read_limit(const fs::path& file, std::uint64_t& limit) {
    std::ifstream in(file);
    std::string value;
    if (!(in >> value)) return false;
    limit = 0;
    if (value == "max") return true;
    try {
        size_t end = 0;
        const unsigned long long v = std::stoull(value, &end);
        if (end != value.size()) return false;
        limit = v >= kNoLimitAbove ? 0 : v;
        return true;
    } catch (...) {
        return false;
    }
}

std::uint64_t read_number(const fs::path& file) {
    std::uint64_t v = 0;
    return read_limit(file, v) ? v : 0;
}

// The value of `key` in a "key value" file (memory.stat, /proc/meminfo); 0 when absent.
std::uint64_t read_key(const fs::path& file, const std::string& key) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string k;
        std::uint64_t v = 0;
        if ((fields >> k >> v) && k == key) return v;
    }
    return 0;
}

// The cgroup files of one hierarchy, v2 or v1.
struct Files {
    const char* limit;
    const char* usage;
    const char* inactive;  // key in memory.stat: reclaimable page cache, not counted as used
};
constexpr Files kV2{"memory.max", "memory.current", "inactive_file"};
constexpr Files kV1{"memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"};

// Folds one cgroup's limit into `status`.
void fold_limit(const fs::path& folder, const Files& files, MemoryStatus& status) {
    std::uint64_t limit = 0;
    if (!read_limit(folder / files.limit, limit) || limit == 0) return;
    const std::uint64_t usage = read_number(folder / files.usage);
    const std::uint64_t inactive = read_key(folder / "memory.stat", files.inactive);
    const std::uint64_t used = usage > inactive ? usage - inactive : 0;
    const std::uint64_t room = std::max<std::uint64_t>(1, limit > used ? limit - used : 0);
    status.cgroup_limit = status.cgroup_limit == 0 ? limit : std::min(status.cgroup_limit, limit);
    if (status.cgroup_room == 0 || room < status.cgroup_room) {
        status.cgroup_room = room;
        status.cgroup = folder.string();
    }
}

}  // namespace

std::uint64_t MemoryStatus::available() const {
    if (system == 0) return cgroup_room;
    return cgroup_room == 0 ? system : std::min(system, cgroup_room);
}

MemoryStatus read_memory_status(const fs::path& root) {
    MemoryStatus status;
    const fs::path meminfo = root / "proc/meminfo";
    if (const std::uint64_t available = read_key(meminfo, "MemAvailable:"); available > 0)
        status.system = (available + read_key(meminfo, "SwapFree:")) * 1024;
    for (const CgroupHierarchy& h : own_cgroups(root, "memory")) {
        status.own.push_back({h.own, h.v1});
        for_each_up(h, [&](const fs::path& folder) { fold_limit(folder, h.v1 ? kV1 : kV2, status); });
    }
    return status;
}

}  // namespace fstack
