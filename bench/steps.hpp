// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The benchmark's steps. Each runs inside a child process (child_process.hpp) and returns its
// figures as a Payload; files in the working folder carry the images between steps.
#include <filesystem>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "fstack/stack_frames.hpp"
#include "synthetic.hpp"

namespace fstack::bench {

namespace fs = std::filesystem;

// The files of one rendered stack. A stack may be stacked whole or as subsets of its frames
// (the memory-scaling run stacks 15 of 60).
struct StackFiles {
    fs::path dir;
    std::vector<fs::path> frames;  // frame_000.jpg ...
    fs::path ground_truth() const { return dir / "ground_truth.png"; }
    fs::path band() const { return dir / "occlusion_band.png"; }
    fs::path depth_truth() const { return dir / "depth.raw"; }  // CV_32F, 0 = near
    fs::path result(const std::string& name) const { return dir / ("result_" + name + ".raw"); }
    fs::path depth(const std::string& name) const { return dir / ("depth_" + name + ".raw"); }
};

StackFiles stack_files(const fs::path& dir, int frames);

// Frame indices of `count` frames spread evenly over `total` (the first and last included).
std::vector<int> spread(int total, int count);

// Renders the scene's frames as JPEG q95, the ground truth and the occlusion band as PNG, the
// depth map as raw float, and for each subset (at most 2) the oracle: per pixel the decoded
// JPEG frame focused nearest. Values: scene s, render s, JPEG write s, OpenCV threads, JPEG
// bytes, then per subset the oracle's PSNR, PSNR in the occlusion band, SSIM.
Payload render_stack(const synth::SceneOptions& options, const StackFiles& files,
                     const std::vector<std::vector<int>>& subsets);

// Reads every frame through FileFrameSource and discards it. Value: seconds.
Payload decode_only(const std::vector<fs::path>& frames);

// Stacks the frames with FileFrameSource + the stacking step and default options of `stacker`
// ("pyramid", "depthmap" or "focusmeasure") on `threads` threads (set_threads) and on `device`
// ("cpu"; "cuda": the first CUDA device; "host": the GPU pipeline on the host executor, slow,
// the GPU row checked without a GPU), saving the image and depth map. Values: seconds
// (decode included), the device memory the GPU pipeline reported at most in MiB (-1 where the
// stacker ran on the CPU: on "cpu", or a stacker with no GPU path yet).
Payload stack(const std::string& stacker, const std::vector<fs::path>& frames,
              const fs::path& result, const fs::path& depth, int threads, const std::string& device);

// Two results of the same stack (stack()'s files). Values: the largest difference of a sample
// in levels of the result's depth (8 or 16 bit), the percentage of depth-map pixels that are equal.
Payload compare_results(const fs::path& result_a, const fs::path& depth_a, const fs::path& result_b,
                        const fs::path& depth_b);

// Compares a result with the ground truth. Values: PSNR, PSNR in the occlusion band, SSIM, and
// the percentage of pixels outside the band whose depth-map frame shows them with a blur radius
// of at most 1 px, i.e. max_coc * |focus[index] - depth| <= 1 (negative when the stacker gave
// no depth map). `focus` is the focus depth of each stacked frame. Judging the choice by its
// blur, not by its index, keeps the figure comparable between 15- and 60-frame stacks.
Payload evaluate(const StackFiles& files, const std::vector<double>& focus, double max_coc,
                 const fs::path& result, const fs::path& depth);

}  // namespace fstack::bench
