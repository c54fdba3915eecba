// SPDX-License-Identifier: GPL-3.0-or-later
#include "memory_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "frame_action_options.hpp"
#include "fstack/error.hpp"
#include "stacker_options.hpp"

namespace fstack::cli {
namespace {

// A limit file's value, or 0 where it says none: cgroup v2 writes "max", v1 a huge number.
std::uint64_t read_limit(const std::string& file) {
    std::ifstream in(file);
    std::string value;
    if (!(in >> value) || value == "max") return 0;
    try {
        const unsigned long long limit = std::stoull(value);
        return limit > 0 && limit < (1ull << 60) ? limit : 0;
    } catch (...) {
        return 0;
    }
}

// The smallest memory limit on this process's cgroup and its ancestors, or 0 where none applies.
// The process's own cgroup, not the root's: a Slurm job step sees the whole hierarchy, a
// container (cgroup namespace) sees its own cgroup as "/".
std::uint64_t cgroup_limit() {
    std::ifstream in("/proc/self/cgroup");
    std::uint64_t best = 0;
    for (std::string line; std::getline(in, line);) {
        // "0::/path" (v2) or "4:memory:/path" (v1)
        const size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) continue;
        const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
        std::string dir = line.substr(c2 + 1);
        std::string root, file;
        if (controllers.empty()) {
            root = "/sys/fs/cgroup";
            file = "memory.max";
        } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
            root = "/sys/fs/cgroup/memory";
            file = "memory.limit_in_bytes";
        } else {
            continue;
        }
        for (;;) {
            const std::uint64_t limit = read_limit(root + dir + (dir.empty() || dir.back() == '/' ? "" : "/") + file);
            if (limit > 0) best = best == 0 ? limit : std::min(best, limit);
            if (dir.empty() || dir == "/") break;
            const size_t slash = dir.find_last_of('/');
            dir = slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
        }
    }
    return best;
}

}  // namespace

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

std::string format_memory_size(std::uint64_t bytes) {
    char buf[32];
    const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
    if (mib >= 1024) std::snprintf(buf, sizeof buf, "%.1f GiB", mib / 1024.0);
    else std::snprintf(buf, sizeof buf, "%.0f MiB", mib);
    return buf;
}

std::uint64_t default_memory_budget() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    std::uint64_t total = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                                : (4ull << 30);
    if (const std::uint64_t limit = cgroup_limit(); limit > 0) total = std::min(total, limit);
    return total / 2;
}

// Peak resident memory of `fstack stack` over input pixels, measured with /usr/bin/time on
// 2000x1500 JPEG (8-bit) and TIFF (16-bit) stacks, less the 66 MB of a 96x72 run
// (GCC 12, OpenCV 4.6): pyramid 74 B/px (16-bit 80), depthmap 69 (77), focusmeasure at scale
// 1/2/3/4: 41/82/145/231 (16-bit 49/89/-/238), i.e. about 32 + 13 s^2. Two stacks at once in
// `fstack batch -j 2` cost more each (per-thread arenas, OpenCV's per-thread buffers):
// pyramid 84, focusmeasure (scale 2) 102 B/px; the whole batch then peaked at 548 and 653 MiB
// under --max-memory 700M. The factors below cover the concurrent figures with some room.
// Denoising added little (287 instead of 282 MB for a pyramid stack); alignment more,
// see below. The other frame actions hold a reference frame or a mask at most.
std::uint64_t estimate_stack_memory(const StackerOptions& o, const ImageInfo& frame, bool denoise,
                                    const FrameActionOptions& actions) {
    double per_pixel = 100;  // pyramid, depthmap
    if (o.stacker == "focusmeasure") {
        const double s = o.value("scale_factor");
        per_pixel = 50 + 16 * s * s;
    }
    if (frame.depth == CV_16U) per_pixel += 10;
    // Developing a raw frame holds LibRaw's buffers (the mosaic, a 4-channel 16-bit image, the
    // 16-bit RGB result) and our BGR copy while it lasts: 506 MiB above the process's baseline
    // (getrusage) for a 24 MP 14-bit DNG with fstack's LibRaw settings, 22 B/px; 26 with room.
    if (frame.format == FileFormat::Raw) per_pixel += 26;
    if (denoise) per_pixel += 8;
    // Alignment analyses a copy of at most 2000 px (float copies, SIFT, two registration
    // pyramids: about 120 B per analysed pixel) and holds one frame read ahead and one warp:
    // fstack_bench --align, 4000x3000x15: 1335 MiB against 1053 MiB unaligned; the 3.1 MP pcb
    // stack: 698 MB against 291 MB.
    if (actions.align != "none") {
        const double longest = std::max(frame.width, frame.height);
        const double analysed = longest > 2000 ? (2000 / longest) * (2000 / longest) : 1.0;
        per_pixel += 40 + 120 * analysed;
    }
    else if (actions.any()) per_pixel += 30;
    const double pixels = static_cast<double>(frame.width) * static_cast<double>(frame.height);
    return static_cast<std::uint64_t>(per_pixel * pixels) + (4ull << 20);
}

}  // namespace fstack::cli
