// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Decompression-bomb and memory guards. A 40-byte PNG or a 600-byte JPEG can declare
// 65535 x 65535 pixels (12 GiB decoded): every reader checks the declared size against these
// limits from the header, before it allocates anything.
#include <cstdint>
#include <string>

namespace fstack {

// 250 MP: four times the largest camera frames (100-150 MP medium format, 60 MP full frame), and
// the size of a large stitched panorama. The CLI sets it from --max-pixels.
constexpr std::uint64_t kDefaultMaxPixels = 250'000'000;

// Process-wide, like OpenCV's own CV_IO_MAX_IMAGE_PIXELS: a reader deep in a job or a plug-in
// call has no options of its own to carry it. 0 means no limit.
void set_max_pixels(std::uint64_t pixels);
std::uint64_t max_pixels();

// Throws Error(Input) naming the file when width or height is not positive, or when
// width * height exceeds max_pixels().
void check_pixel_limit(std::int64_t width, std::int64_t height, const std::string& file, int frame_index);

// Memory this process may still allocate: the smaller of MemAvailable + SwapFree and the room
// left under its cgroup's limits (read_memory_status() in cgroup_memory.hpp); 0 if unknown.
std::uint64_t available_memory();

// "812 MiB", "3.4 GiB": a memory size as fstack prints it (MiB below 1 GiB, GiB with one
// decimal from there; powers of 1024). `fstack info`, the batch plan and the GPU's description.
std::string format_memory_size(std::uint64_t bytes);

// "frames of WxH (N MP) need about X GiB of memory to stack (what); only Y GiB is available
// (...)": the one wording of a stack refused for memory (the CLI's batch plan uses it too).
std::string stack_memory_refusal(std::uint64_t need, std::uint64_t have, std::int64_t width, std::int64_t height,
                                 const std::string& what);

// Throws Error(Input) naming the file when a stack expected to need `need` bytes (its estimate:
// estimate_stack_memory() in memory_estimate.hpp) needs more than available_memory(); nothing
// is checked when that is unknown.
void check_stack_memory(std::uint64_t need, std::int64_t width, std::int64_t height, const std::string& what,
                        const std::string& file, int frame_index);

}  // namespace fstack
