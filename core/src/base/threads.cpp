// SPDX-License-Identifier: GPL-3.0-or-later
// The process's thread count: CPU affinity, cgroup CPU quota, --threads.
#include "fstack/threads.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <string>

#include <opencv2/core.hpp>

#include "base/cgroup_files.hpp"
#include "fstack/error.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_threads{0};
thread_local int t_threads = 0;

// One cgroup's quota in cores: v2 "cpu.max" holds "QUOTA PERIOD" or "max PERIOD"; v1 has
// cpu.cfs_quota_us (-1: none) and cpu.cfs_period_us. 0 when none.
double quota_of(const fs::path& folder, bool v1) {
    double quota = -1, period = 0;
    if (v1) {
        std::ifstream q(folder / "cpu.cfs_quota_us"), p(folder / "cpu.cfs_period_us");
        if (!(q >> quota) || !(p >> period)) return 0;
    } else {
        std::ifstream in(folder / "cpu.max");
        std::string first;
        if (!(in >> first >> period) || first == "max") return 0;
        try {
            quota = std::stod(first);
        } catch (...) {
            return 0;
        }
    }
    return quota > 0 && period > 0 ? quota / period : 0;
}

}  // namespace

double cgroup_cpu_quota(const fs::path& root) {
    double smallest = 0;
    for (const CgroupHierarchy& h : own_cgroups(root, "cpu"))
        for_each_up(h, [&](const fs::path& folder) {
            const double q = quota_of(folder, h.v1);
            if (q > 0 && (smallest == 0 || q < smallest)) smallest = q;
        });
    return smallest;
}

int available_cores(const fs::path& root) {
    int cores = 0;
    if (root == "/") {
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof set, &set) == 0) cores = CPU_COUNT(&set);
    }
    if (cores <= 0) cores = std::max(1, cv::getNumberOfCPUs());
    if (const double quota = cgroup_cpu_quota(root); quota > 0)
        cores = std::min(cores, std::max(1, static_cast<int>(std::ceil(quota - 1e-9))));
    return std::max(1, cores);
}

void set_threads(int threads) {
    if (threads < 0 || threads > 1024)
        throw Error(ErrorKind::Usage, "threads must be 0 (the cores this process may use) to 1024, not " +
                                          std::to_string(threads));
    g_threads = threads;
    cv::setNumThreads(fstack::threads());
}

int threads() {
    if (t_threads > 0) return t_threads;
    const int set = g_threads.load();
    if (set > 0) return set;
    static const int cores = available_cores();
    return cores;
}

ScopedThreads::ScopedThreads(int threads) : previous_(t_threads) { t_threads = std::max(1, threads); }
ScopedThreads::~ScopedThreads() { t_threads = previous_; }

}  // namespace fstack
