// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <vector>

#include "fstack/params.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// Laplacian pyramid fusion (Burt & Adelson; the seed's PyramidStack).
//
// Each frame is decomposed into a Laplacian pyramid whose coarsest level is at least
// `pyramid_min_size` pixels on its short side, built with the 5-tap generating kernel of
// parameter `gen_kernel` (w = [1/4 - a/2, 1/4, a, 1/4, 1/4 - a/2]). Per level, the fused
// coefficient is that of the frame with the highest local energy in a `kernel_size` window.
//
// The seed's rules (cross_scale = false, consistency = false): each level chooses by its own
// energy, and the base level is the frames' average weighted by local deviation.
//
// Beyond the seed:
// - cross_scale: a level's decision energy adds the max-pooled decision energy of the finer
//   level below it, and the base level is chosen (not averaged) by that carried energy. A
//   defocused foreground spreads a wide, soft halo over a sharp background: judged at its own
//   scale that halo wins the coarse levels; judged by the fine detail beneath, the frame in
//   which the foreground's edge is sharp wins. Averaging the base mixed those halos back in.
// - consistency: a second pass over the frames. Pass 1 records, per level, which frame wins
//   each coefficient; the choice maps are cleaned by a 5x5 median (isolated choices driven by
//   noise are the source of speckle and ringing); pass 2 takes each coefficient from the
//   frame the cleaned map names. Pass 2 decodes every frame again and builds its Gaussian
//   pyramid, but computes the band only where the cleaned map changed the choice (a few per
//   cent of the coefficients): the same result as building every band again.
struct PyramidStackOptions {
    int pyramid_min_size = 32;
    int kernel_size = 5;
    double gen_kernel = 0.4;
    bool cross_scale = true;
    bool consistency = true;
};

// The parameters of PyramidStackOptions: CLI, job files, GIMP and docs are made from it.
const ParamTable<PyramidStackOptions>& pyramid_stack_params();

class PyramidStack : public Stacker {
public:
    explicit PyramidStack(PyramidStackOptions options = {});
    PyramidStack(int pyramid_min_size, int kernel_size = 5, double gen_kernel = 0.4);

    std::string name() const override { return "pyramid"; }
    void begin(int frame_count) override;
    int passes() const override { return options_.consistency ? 2 : 1; }
    void begin_pass(int pass) override;
    cv::Mat finish() override;
    std::unique_ptr<Stacker> clone() const override;
    std::unique_ptr<Stacker> for_device(const Device& device) const override;
    const PyramidStackOptions& options() const { return options_; }

    FrameWork prepare(const cv::Mat& frame, int index) const override;
    void merge(FrameWork& work, int index) override;
    double work_bytes_per_pixel(int channels) const override;

private:
    bool averaged_base(int levels) const;
    void choose(const std::vector<cv::Mat>& work, size_t levels, int index);
    void take_chosen(const std::vector<cv::Mat>& pyramid, int index);
    void average_base(const cv::Mat& base, const cv::Mat& weight);

    PyramidStackOptions options_;
    // Per level (the last entry is the base): fused coefficients, the best decision energy so
    // far, and the index of the frame that gave it.
    std::vector<cv::Mat> fused_, energy_, choice_;
    // Pass 2, per level: the pixels (y * width + x) whose cleaned choice is not the frame pass 1
    // fused there, grouped by the frame they now name: frame i's are changed_[l][changed_at_[l][i]
    // .. changed_at_[l][i + 1]). Everywhere else fused_ already holds the cleaned choice's band.
    std::vector<std::vector<std::uint32_t>> changed_, changed_at_;
    cv::Mat base_sum_, base_weight_;  // the seed's averaged base
    int channels_ = 0;
};

// PyramidStack's GPU pipeline (kernels/.../pyramid/fusion.hpp) as a Stacker: on CUDA device
// `cuda_device` (what for_device gives), or with -1 on the host executor, which runs the same
// pipeline pixel by pixel on the CPU (slow: the tests check the GPU path's logic with it).
// Throws Error(Usage) where the device cannot be used.
std::unique_ptr<Stacker> make_pyramid_engine_stack(const PyramidStackOptions& options, int cuda_device);

}  // namespace fstack
