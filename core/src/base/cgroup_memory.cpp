// SPDX-License-Identifier: GPL-3.0-or-later
// The memory this process may still use: /proc/meminfo and its cgroup's limits, v1 and v2.
#include "fstack/cgroup_memory.hpp"

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

// mountinfo escapes blanks and backslashes in paths as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Where a hierarchy is mounted and which of its cgroups the mount shows as its top.
struct Mount {
    std::string root;   // the hierarchy's path that is the mount's top ("/" unless a container's)
    std::string point;  // where it is mounted
};

bool has_option(const std::string& list, const std::string& option) {
    return ("," + list + ",").find("," + option + ",") != std::string::npos;
}

// The cgroup2 mount (v1: the cgroup mount with the memory controller) of mountinfo.
bool find_mount(const fs::path& mountinfo, bool v1, Mount& mount) {
    std::ifstream in(mountinfo);
    for (std::string line; std::getline(in, line);) {
        // id parent major:minor root point options [optional...] - type source super-options
        std::istringstream f(line);
        std::vector<std::string> w;
        for (std::string word; f >> word;) w.push_back(word);
        const auto dash = std::find(w.begin(), w.end(), "-");
        if (w.size() < 5 || dash == w.end() || dash + 1 == w.end()) continue;
        const std::string type = *(dash + 1);
        const std::string super = dash + 3 < w.end() ? *(dash + 3) : std::string();
        if (v1 ? (type == "cgroup" && has_option(super, "memory")) : type == "cgroup2") {
            mount = {unescape(w[3]), unescape(w[4])};
            return true;
        }
    }
    return false;
}

// The process's cgroup in one hierarchy, as a folder on the mount.
fs::path cgroup_folder(const fs::path& root, const Mount& mount, std::string path) {
    // A container without a cgroup namespace mounts its own cgroup as the top: the path in
    // /proc/self/cgroup starts with the mount's root, which the mount does not repeat.
    if (mount.root != "/" && path.compare(0, mount.root.size(), mount.root) == 0 &&
        (path.size() == mount.root.size() || path[mount.root.size()] == '/'))
        path = path.substr(mount.root.size());
    // A path outside what the mount shows ("/../.." from a cgroup namespace): only the top is seen.
    if (path.find("/..") != std::string::npos) path = "/";
    fs::path folder = root / fs::path(mount.point).relative_path();
    for (const fs::path& part : fs::path(path).relative_path()) folder /= part;
    return folder;
}

// The cgroup files of one hierarchy, v2 or v1.
struct Files {
    const char* limit;
    const char* usage;
    const char* inactive;  // key in memory.stat: reclaimable page cache, not counted as used
};
constexpr Files kV2{"memory.max", "memory.current", "inactive_file"};
constexpr Files kV1{"memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"};

// Walks from the process's cgroup up to the mount's top, folding each limit into `status`.
void walk(const fs::path& top, fs::path folder, const Files& files, MemoryStatus& status) {
    for (;;) {
        std::uint64_t limit = 0;
        if (read_limit(folder / files.limit, limit) && limit > 0) {
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
        if (folder == top || !folder.has_relative_path() || folder.parent_path() == folder) return;
        folder = folder.parent_path();
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
    std::ifstream in(root / "proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        // "0::/path" (v2, the unified hierarchy) or "4:memory:/path" (v1); hybrid systems have both.
        const size_t c1 = line.find(':'), c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
        const bool v1 = !controllers.empty();
        if (v1 && !has_option(controllers, "memory")) continue;
        Mount mount;
        if (!find_mount(root / "proc/self/mountinfo", v1, mount))
            mount = {"/", v1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup"};  // the usual places
        const fs::path top = root / fs::path(mount.point).relative_path();
        const fs::path own = cgroup_folder(root, mount, line.substr(c2 + 1));
        status.own.push_back({own, v1});
        walk(top, own, v1 ? kV1 : kV2, status);
    }
    return status;
}

}  // namespace fstack
