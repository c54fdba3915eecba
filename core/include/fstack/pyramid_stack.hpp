// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include "fstack/stacker.hpp"

namespace fstack {

// Laplacian pyramid fusion (Burt & Adelson; the seed's PyramidStack).
//
// Each frame is decomposed into a Laplacian pyramid whose coarsest level is at least
// `pyramid_min_size` pixels on its short side, built with the 5-tap generating kernel of
// parameter `gen_kernel` (w = [1/4 - a/2, 1/4, a, 1/4, 1/4 - a/2]). Per level, the fused
// coefficient is that of the frame with the highest local energy in a `kernel_size` window;
// the base level is a contrast-weighted average (local deviation in a `kernel_size` window).
//
// Beyond the seed, the choice of a coarse level also weighs the energy of the finer levels
// below it (`cross_scale`), so that the blurred halo of a foreground object in a background-
// focused frame does not win the coarse levels next to that object's sharp edge.
struct PyramidStackOptions {
    int pyramid_min_size = 32;
    int kernel_size = 5;
    double gen_kernel = 0.4;
    bool cross_scale = true;  // false: the seed's max-energy rule alone
};

class PyramidStack : public Stacker {
public:
    explicit PyramidStack(PyramidStackOptions options = {});
    PyramidStack(int pyramid_min_size, int kernel_size = 5, double gen_kernel = 0.4);

    std::string name() const override { return "pyramid"; }
    void begin(int frame_count) override;
    cv::Mat finish() override;
    std::unique_ptr<Stacker> clone() const override;
    const PyramidStackOptions& options() const { return options_; }

protected:
    void add_frame(const cv::Mat& frame, int index) override;

private:
    PyramidStackOptions options_;
    std::vector<cv::Mat> fused_;      // fused Laplacian levels, float
    std::vector<cv::Mat> energy_;     // best decision energy per level
    std::vector<cv::Mat> index_map_;  // frame index chosen at level 0
    cv::Mat base_sum_, base_weight_;
    int channels_ = 0;
};

}  // namespace fstack
