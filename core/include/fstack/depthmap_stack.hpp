// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <vector>

#include "fstack/params.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

class OneHotBlend;

enum class MapType { Max, Average };            // MAP_MAX, MAP_AVERAGE
enum class EnergyType { Laplacian, Sobel };     // ENERGY_LAPLACIAN, ENERGY_SOBEL

// Depth-map fusion (the seed's DepthMapStack).
//
// Per frame, the focus energy is |Laplacian| (or the Sobel gradient magnitude) of the grey
// image with aperture `kernel_size`, blurred with a Gaussian of `blur_size`. MAP_MAX: the depth
// map is the index of the frame of highest energy per pixel, cleaned by a median of window
// smooth_size/2; each frame's one-hot mask is
// smoothed with a Gaussian of `smooth_size` and the frames are blended with these weights (two
// passes over the frames, constant memory). MAP_AVERAGE: frames are averaged with their
// normalised energy as weight (one pass).
struct DepthMapStackOptions {
    MapType map_type = MapType::Max;
    EnergyType energy = EnergyType::Laplacian;
    int kernel_size = 5;
    int blur_size = 5;
    int smooth_size = 32;
};

// The parameters of DepthMapStackOptions: CLI, job files, GIMP and docs are made from it.
const ParamTable<DepthMapStackOptions>& depthmap_stack_params();

class DepthMapStack : public Stacker {
public:
    explicit DepthMapStack(DepthMapStackOptions options = {});
    ~DepthMapStack() override;

    std::string name() const override { return "depthmap"; }
    void begin(int frame_count) override;
    int passes() const override { return options_.map_type == MapType::Max ? 2 : 1; }
    void begin_pass(int pass) override;
    cv::Mat finish() override;
    std::unique_ptr<Stacker> clone() const override;
    const DepthMapStackOptions& options() const { return options_; }

    // The blurred focus energy of one frame (float, grey), exposed for tests and the GIMP front end.
    cv::Mat focus_energy(const cv::Mat& frame) const;

    FrameWork prepare(const cv::Mat& frame, int index) const override;
    void merge(FrameWork& work, int index) override;
    double work_bytes_per_pixel(int channels) const override;

    std::unique_ptr<Stacker> for_device(const Device& device) const override;

private:
    int weight_reach() const;  // pixels: how far pass 2's smoothing carries a weight

    DepthMapStackOptions options_;
    cv::Mat best_energy_;
    cv::Mat acc_, weight_sum_;
    std::unique_ptr<OneHotBlend> blend_;  // pass 2, by tiles (core/src/stackers/one_hot_blend.hpp)
};

// DepthMapStack's GPU pipeline (kernels/.../depthmap/fusion.hpp) as a Stacker: on CUDA device
// `cuda_device` (what for_device gives), or with -1 on the host executor (slow: the tests check
// the GPU path's logic with it). Null where a filter is longer than the 99 taps the pipeline
// takes (blur_size past 99, smooth_size 50 to 64 or past 197: those stay on the CPU). Throws Error(Usage) where the device
// cannot be used.
std::unique_ptr<Stacker> make_depthmap_engine_stack(const DepthMapStackOptions& options, int cuda_device);

}  // namespace fstack
