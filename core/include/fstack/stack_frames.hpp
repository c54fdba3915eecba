// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/device.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/params.hpp"
#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// Feeds every frame of `source` to `stacker`, for as many passes as it needs, and returns the
// fused image. Reports one step per frame and pass, and honours cancellation.
cv::Mat run_stacker(Stacker& stacker, FrameSource& source, Progress& progress = null_progress());

// What a stack gives: the fused image, the depth map, and the frames the stacker saw.
struct StackResult {
    cv::Mat image;
    cv::Mat depth_map;  // CV_16U frame index of the sharpest frame
    int frame_count = 0;
    // The frames after the frame actions (aligned, balanced...), read again one at a time on
    // request (the retouch layers); the source given to stack() must outlive it.
    std::shared_ptr<FrameSource> frames;
    // Where each frame lies on the reference (null when the pipeline had no actions): the crop
    // of the result is covered_area(*geometry).
    std::shared_ptr<const FrameGeometry> geometry;
    // Per frame of the stack (as `geometry`), the gains the frame actions applied: one per
    // colour channel (B, G, R) or one for all; empty where none was (no balance, or none needed).
    std::vector<std::vector<float>> gains;
    // Where the result lies on the reference frame when it was cropped (StackOptions::crop):
    // image, depth map and frames are this rectangle of the uncropped ones. Empty: not cropped.
    cv::Rect crop;
};

// StackOptions::denoise's spec (0..100, finite), checked by the CLI's --denoise and the job
// files' denoise alike.
const ParamSpec& denoise_param();

struct StackOptions {
    double denoise = 0;  // non-local-means strength on the result (0: off)
    // Crop the result, its depth map and its frames to the area every aligned frame covers
    // (crop_area()); off: the frame size, the borders filled by the alignment's border mode.
    bool crop = false;
    // Where to stack (device.hpp); unset: the process's device(), auto unless a front end set it.
    std::optional<Device> device;
};

// The rectangle a cropped result keeps: covered_area(*result.geometry), or empty where there is
// nothing to crop (no geometry, nothing moved, or frames that share no area at all).
cv::Rect crop_area(const StackResult& result);

// Crops result's image, depth map and frames (read again, each cropped) to `area` and records
// it in result.crop. An empty area leaves the result as it is.
void crop_result(StackResult& result, const cv::Rect& area);

// The one stacking step of every front end (CLI, batches, job files, GIMP): the frames of
// `source` through `pipeline` (each frame once, in the seed's order; its actions are cloned, so
// the pipeline can be reused) into `stacker`, and the result denoised as `options` says. Peak
// memory depends on the frame size, not on the number of frames. Throws Error(Input) for fewer
// than two frames.
StackResult stack(FrameSource& source, const FramePipeline& pipeline, Stacker& stacker,
                  const StackOptions& options = {}, Progress& progress = null_progress());

// The same without frame actions, for a source already processed (or needing none).
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

// The seed's name of a bunch's output: <first frame's stem><postfix><extension> in `dir`.
std::filesystem::path bunch_output(const std::filesystem::path& dir, const std::filesystem::path& first_frame,
                                   const std::string& postfix, const std::string& extension);

// Stacks every bunch of `bunches` (from bunch_ranges) with a fresh clone of `prototype`. The
// pipeline runs once over all the frames, so that the bunches share the reference's geometry.
// A bunch of one frame comes out as that frame (after the actions), with a warning. `emit(b,
// result)` receives each bunch's result in order; an error names the frame by its index in
// `source`.
void stack_bunches(FrameSource& source, const FramePipeline& pipeline, const Stacker& prototype,
                   const std::vector<FrameRange>& bunches, const StackOptions& options, Progress& progress,
                   const std::function<void(size_t, const StackResult&)>& emit);

}  // namespace fstack
