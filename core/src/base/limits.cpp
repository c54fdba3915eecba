// SPDX-License-Identifier: GPL-3.0-or-later
// The pixel limit and the available-memory checks made before decoding.
#include "fstack/limits.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "fstack/error.hpp"

namespace fstack {
namespace {

std::atomic<std::uint64_t> g_max_pixels{kDefaultMaxPixels};

std::string megapixels(double pixels) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MP", pixels / 1e6);
    return text;
}

std::string gibibytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    return text;
}

}  // namespace

void set_max_pixels(std::uint64_t pixels) { g_max_pixels.store(pixels); }
std::uint64_t max_pixels() { return g_max_pixels.load(); }

void check_pixel_limit(std::int64_t width, std::int64_t height, const std::string& file, int frame_index) {
    if (width <= 0 || height <= 0)
        throw Error(ErrorKind::Input, file, frame_index,
                    "the header declares an empty image (" + std::to_string(width) + "x" +
                        std::to_string(height) + "): the file is damaged");
    const std::uint64_t limit = max_pixels();
    const double pixels = double(width) * double(height);
    if (limit != 0 && pixels > double(limit))
        throw Error(ErrorKind::Input, file, frame_index,
                    "the image declares " + std::to_string(width) + "x" + std::to_string(height) + " pixels (" +
                        megapixels(pixels) + "), more than the limit of " + megapixels(double(limit)) +
                        " (a damaged file or a decompression bomb; raise --max-pixels if it is real)");
}

std::uint64_t available_memory() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    std::uint64_t available = 0, swap = 0;
    bool found = false;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        std::uint64_t kib = 0;
        fields >> key >> kib;
        if (key == "MemAvailable:") { available = kib; found = true; }
        else if (key == "SwapFree:") swap = kib;
    }
    if (!found) return 0;
    std::uint64_t bytes = (available + swap) * 1024;
    // In a container /proc/meminfo is the host's: the cgroup's own limit is the real one.
    std::ifstream max_in("/sys/fs/cgroup/memory.max"), current_in("/sys/fs/cgroup/memory.current");
    std::uint64_t max = 0, current = 0;
    if ((max_in >> max) && (current_in >> current) && max > current) bytes = std::min(bytes, max - current);
    return bytes;
}

void check_stack_memory(std::int64_t width, std::int64_t height, const std::string& file, int frame_index) {
    const std::uint64_t have = available_memory();
    if (have == 0) return;
    const double need = double(width) * double(height) * kStackBytesPerPixel;
    if (need > double(have))
        throw Error(ErrorKind::Input, file, frame_index,
                    "frames of " + std::to_string(width) + "x" + std::to_string(height) + " (" +
                        megapixels(double(width) * double(height)) + ") need about " + gibibytes(need) +
                        " of memory to stack; only " + gibibytes(double(have)) +
                        " is available (close other programs or use smaller frames)");
}

}  // namespace fstack
