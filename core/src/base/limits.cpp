// SPDX-License-Identifier: GPL-3.0-or-later
// The pixel limit and the available-memory checks made before decoding.
#include "fstack/limits.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "fstack/cgroup_memory.hpp"
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

std::string format_memory_size(std::uint64_t bytes) {
    char buf[32];
    const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
    if (mib >= 1024) std::snprintf(buf, sizeof buf, "%.1f GiB", mib / 1024.0);
    else std::snprintf(buf, sizeof buf, "%.0f MiB", mib);
    return buf;
}

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

std::uint64_t available_memory() { return read_memory_status().available(); }

std::string stack_memory_refusal(std::uint64_t need, std::uint64_t have, std::int64_t width, std::int64_t height,
                                 const std::string& what) {
    return "frames of " + std::to_string(width) + "x" + std::to_string(height) + " (" +
           megapixels(double(width) * double(height)) + ") need about " + gibibytes(double(need)) +
           " of memory to stack (" + what + "); only " + gibibytes(double(have)) +
           " is available (close other programs, use smaller frames, or raise the memory limit)";
}

void check_stack_memory(std::uint64_t need, std::int64_t width, std::int64_t height, const std::string& what,
                        const std::string& file, int frame_index) {
    const std::uint64_t have = available_memory();
    if (have != 0 && need > have)
        throw Error(ErrorKind::Input, file, frame_index, stack_memory_refusal(need, have, width, height, what));
}

}  // namespace fstack
