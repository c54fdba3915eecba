// SPDX-License-Identifier: GPL-3.0-or-later
// The process's cgroups: /proc/self/cgroup and where /proc/self/mountinfo mounts each hierarchy.
#include "base/cgroup_files.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace fstack {
namespace fs = std::filesystem;
namespace {

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

// The cgroup2 mount (v1: the cgroup mount with `controller`) of mountinfo.
bool find_mount(const fs::path& mountinfo, bool v1, const std::string& controller, Mount& mount) {
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
        if (v1 ? (type == "cgroup" && has_option(super, controller)) : type == "cgroup2") {
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

}  // namespace

std::vector<CgroupHierarchy> own_cgroups(const fs::path& root, const std::string& controller) {
    std::vector<CgroupHierarchy> found;
    std::ifstream in(root / "proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        // "0::/path" (v2, the unified hierarchy) or "4:memory:/path" (v1); hybrid systems have both.
        const size_t c1 = line.find(':'), c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
        const bool v1 = !controllers.empty();
        if (v1 && !has_option(controllers, controller)) continue;
        Mount mount;
        if (!find_mount(root / "proc/self/mountinfo", v1, controller, mount))
            mount = {"/", v1 ? "/sys/fs/cgroup/" + controller : "/sys/fs/cgroup"};  // the usual places
        found.push_back({cgroup_folder(root, mount, line.substr(c2 + 1)),
                         root / fs::path(mount.point).relative_path(), v1});
    }
    return found;
}

void for_each_up(const CgroupHierarchy& h, const std::function<void(const fs::path&)>& visit) {
    for (fs::path folder = h.own;; folder = folder.parent_path()) {
        visit(folder);
        if (folder == h.top || !folder.has_relative_path() || folder.parent_path() == folder) return;
    }
}

}  // namespace fstack
