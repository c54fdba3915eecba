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

// Memory the system can still give this process (MemAvailable + SwapFree), 0 if unknown.
std::uint64_t available_memory();

// Peak memory of a stack per pixel of one frame: `/usr/bin/time -f %M fstack stack` on the 7
// 2048x1536 frames of tests/data/stacks/pcb_usb_petteri gives 291 MiB (pyramid) and 278 MiB
// (depthmap) against 53 MiB for a 96x72 stack, i.e. about 77 MiB per megapixel (the stackers
// work in float32, so 16-bit frames need little more). The guard uses that figure as it is, not
// a margin above it, so that it refuses only stacks that cannot fit.
constexpr double kStackBytesPerPixel = 77.0 * 1024 * 1024 / 1e6;

// Throws Error(Input) naming the file when a stack of frames of this size is expected to need
// more memory than available_memory() (nothing is checked when that is unknown).
void check_stack_memory(std::int64_t width, std::int64_t height, const std::string& file, int frame_index);

}  // namespace fstack
