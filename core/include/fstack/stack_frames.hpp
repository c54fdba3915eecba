// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// Feeds every frame of `source` to `stacker`, for as many passes as it needs, and returns the
// fused image. Reports one step per frame and pass, and honours cancellation.
cv::Mat run_stacker(Stacker& stacker, FrameSource& source, Progress& progress = null_progress());

// The in-memory core of FocusStack: stacks `frames` and returns the image, optionally denoised.
// Used by FocusStack, the CLI and GIMP alike.
struct StackResult {
    cv::Mat image;
    cv::Mat depth_map;  // CV_16U frame index of the sharpest frame
};
StackResult stack_frames(Stacker& stacker, FrameSource& frames, double denoise_strength = 0,
                         Progress& progress = null_progress());

// The depth map (frame index per pixel) as grey, near (frame 0) black to far (last frame) white,
// CV_8U or CV_16U as `depth` says.
cv::Mat depth_map_image(const cv::Mat& depth_map, int frame_count, int depth);

// Writes a depth map as an 8- or 16-bit grey image: depth_map_image() in a file.
void write_depth_map(const std::filesystem::path& path, const cv::Mat& depth_map, int frame_count,
                     int depth = CV_8U, const WriteOptions& options = {});

// [begin, end) frame ranges of bunches of `frames` frames, each overlapping the previous one by
// `overlap` frames; the last bunch may be shorter. Throws Error(Usage) unless
// 1 <= frames and 0 <= overlap < frames.
struct FrameRange { int begin, end; };
std::vector<FrameRange> bunch_ranges(int frame_count, int frames, int overlap);

}  // namespace fstack
