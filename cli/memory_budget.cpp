// SPDX-License-Identifier: GPL-3.0-or-later
#include "memory_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "fstack/cgroup_memory.hpp"
#include "fstack/error.hpp"

namespace fstack::cli {

std::uint64_t parse_memory_size(const std::string& text) {
    const auto bad = [&text] {
        return Error(ErrorKind::Usage, "--max-memory: '" + text + "' is not a size (examples: 4G, 512M, 1.5G)");
    };
    size_t end = 0;
    double value = 0;
    try {
        value = std::stod(text, &end);
    } catch (...) {
        throw bad();
    }
    std::string unit = text.substr(end);
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
    if (unit.size() > 1 && (unit.back() == 'B')) unit.pop_back();   // "GB", "GIB" -> "G", "GI"
    if (unit.size() > 1 && (unit.back() == 'I')) unit.pop_back();   // "GI" -> "G"
    double scale = 1;
    if (unit == "K") scale = 1024.0;
    else if (unit == "M") scale = 1024.0 * 1024;
    else if (unit == "G") scale = 1024.0 * 1024 * 1024;
    else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
    else if (!unit.empty() && unit != "B") throw bad();
    if (!(value > 0) || !std::isfinite(value)) throw bad();
    return static_cast<std::uint64_t>(value * scale);
}

std::uint64_t default_memory_budget() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    std::uint64_t total = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                                : (4ull << 30);
    if (const std::uint64_t limit = read_memory_status().cgroup_limit; limit > 0) total = std::min(total, limit);
    return total / 2;
}

std::uint64_t planned_memory(const MemoryEstimate& estimate) {
    return static_cast<std::uint64_t>(static_cast<double>(estimate.bytes) * kConcurrentFactor);
}

}  // namespace fstack::cli
