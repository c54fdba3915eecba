// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/params.hpp"
#include "fstack/progress.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

class OneHotBlend;

// The OpenScan stacker (the seed's FocusStacker(radius, smoothing, scale_factor)).
//
// Focus measure: the luma of each frame is supersampled by `scale_factor` (cubic), and the
// local variance of its 3x3 Laplacian over a (2 radius + 1)^2 box is smoothed with a Gaussian
// of sigma `smoothing`; both count supersampled pixels, as in the seed, so a higher scale gives
// a finer measure (the seed's "more detail"). The map is area-averaged back to the input size.
// Pass 1 keeps, per pixel, the frame of the highest measure (the depth map). Pass 2 blends the
// frames with their one-hot masks smoothed by the same `smoothing` (sigma smoothing /
// scale_factor input pixels). The two passes re-read the frames; memory stays constant.
//
// Why these choices (measured on the 640x480 8-frame synthetic scene of the tests and on
// synth.py --preset small; defaults 8/4/2: 37.2 and 35.9 dB, scale 1: 36.9 and 35.7 dB):
// - The frames are blended at the input size. Blending the supersampled frames and
//   area-averaging the result (the seed's way) blurs every pixel by the cubic-then-area round
//   trip: 2 to 3 dB lower everywhere, 44 instead of 47 dB away from depth edges.
// - Two passes rather than one: a single-pass soft arg-max (weights = measure^p, an online
//   soft-max, half the decoding) is 0.1 dB better on synth.py but worse on the scene, most of
//   it at depth edges: 36.76/36.48/36.28 dB for p = 4/8/16 against 36.89 (scale 1), where
//   smoothing the decision beats smoothing the measure.
//
// In the seed, radius and smoothing were accepted and ignored; here both change the result:
// larger values resist noise on faint texture and cost sharpness at depth edges (tested).
// Memory: the frame and the accumulators at the input size, plus about three float planes of
// the supersampled size (scale_factor^2 x the frame's pixels) while a frame is measured.
struct FocusStackerOptions {
    int radius = 8;        // 1..20
    int smoothing = 4;     // 1..10
    int scale_factor = 2;  // 1..4
};

// The parameters of FocusStackerOptions: CLI, job files, GIMP and docs are made from it.
const ParamTable<FocusStackerOptions>& focus_stacker_params();

class FocusStacker : public Stacker {
public:
    explicit FocusStacker(FocusStackerOptions options = {});
    ~FocusStacker() override;
    // The seed's constructor: FocusStacker(radius=8, smoothing=4, scale_factor=2).
    FocusStacker(int radius, int smoothing = 4, int scale_factor = 2);

    std::string name() const override { return "focusmeasure"; }
    void begin(int frame_count) override;
    int passes() const override { return 2; }
    void begin_pass(int pass) override;
    cv::Mat finish() override;
    std::unique_ptr<Stacker> clone() const override;
    const FocusStackerOptions& options() const { return options_; }

    // The smoothed focus map of one frame (float, grey, at the supersampled size), exposed for
    // tests and the GIMP front end.
    cv::Mat focus_measure(const cv::Mat& frame) const;

    // The seed's process_stack(paths): reads the files in the order given and stacks them.
    // Throws Error(Input) naming the file for a missing, corrupt or mismatched frame.
    cv::Mat process_stack(const std::vector<std::filesystem::path>& paths,
                          Progress& progress = null_progress());
    // The seed's save_image(image, path): format from the extension, same bit depth (JPEG: 8).
    static void save_image(const cv::Mat& image, const std::filesystem::path& path,
                           const WriteOptions& options = {});

    FrameWork prepare(const cv::Mat& frame, int index) const override;
    void merge(FrameWork& work, int index) override;
    double work_bytes_per_pixel(int channels) const override;

    std::unique_ptr<Stacker> for_device(const Device& device) const override;

private:
    double blend_sigma() const;
    std::unique_ptr<OneHotBlend> blend_;  // pass 2, by tiles (core/src/stackers/one_hot_blend.hpp)

    FocusStackerOptions options_;
    cv::Mat best_measure_;        // pass 1: the highest focus measure so far (input size)
    cv::Mat acc_, weight_sum_;    // pass 2: weighted sum of the frames, and of the weights
};

// FocusStacker's GPU pipeline (DepthMapStack's, kernels/.../depthmap/fusion.hpp, with the
// focus measure of FocusStacker::focus_measure) as a Stacker: on CUDA device `cuda_device`
// (what for_device gives), or with -1 on the host executor (slow: the tests check the GPU
// path's logic with it). Every option fits (the filters have at most 81 taps). Throws
// Error(Usage) where the device cannot be used.
std::unique_ptr<Stacker> make_focusmeasure_engine_stack(const FocusStackerOptions& options, int cuda_device);

}  // namespace fstack
