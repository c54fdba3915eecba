// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// DepthMapStack and FocusStacker on an executor (host or CUDA): frames go in one at a time and
// stay in the executor's memory; its memory depends on the frame size only. Both keep, per pixel,
// the frame of the highest focus energy and blend the frames by their smoothed one-hot weights;
// they differ in the energy. The median that cleans DepthMapStack's depth map between the
// passes runs on the host (once per stack: depth_index / set_depth_index).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace fstack::kernels {

struct DepthMapParams {
    bool average = false;  // MAP_AVERAGE (one pass); else MAP_MAX (two)
    bool sobel = false;    // ENERGY_SOBEL: magnitude of the two gradients; else |Laplacian|
    // The energy's separable pair, as OpenCV builds it: the derivative along x with the
    // smoothing along y, plus (Laplacian) or with (Sobel: the magnitude) the transpose.
    std::vector<float> deriv, smooth;
    std::vector<float> blur;          // the energy's Gaussian (empty: none)
    // > 0: FocusStacker's energy instead (deriv/smooth its 3x3 Laplacian): the luma supersampled
    // by `scale` (cv::resize's cubic), the local variance of its Laplacian over a box of
    // (2 variance_radius + 1)^2, blurred by `blur`, all at the supersampled size, then
    // area-averaged back to the frame size.
    int variance_radius = 0;
    int scale = 1;
    std::vector<float> weight_gauss;  // MAP_MAX: the one-hot weights' Gaussian, or
    double weight_box_sigma = 0;      // > 0: three boxes of weight_box_size(this, the long side)
};

class DepthMapEngine {
public:
    virtual ~DepthMapEngine() = default;
    virtual void begin(int width, int height, int channels, int depth) = 0;
    virtual void begin_pass(int pass) = 0;
    virtual void add(const void* data, size_t step, int index) = 0;
    // The depth map so far (packed unsigned short rows), and a cleaned one back (MAP_MAX).
    virtual void depth_index(unsigned short* host) = 0;
    virtual void set_depth_index(const unsigned short* host) = 0;
    virtual void finish(void* image, unsigned short* depth_map) = 0;
    virtual size_t peak_bytes() const = 0;
    virtual std::string executor() const = 0;
};

// std::invalid_argument for a filter longer than kMaxTaps (the stacker then stays on the CPU).
std::unique_ptr<DepthMapEngine> make_host_depthmap_engine(const DepthMapParams& params);
// Null in a build without CUDA; std::runtime_error with CUDA's reason when `device` cannot be used.
std::unique_ptr<DepthMapEngine> make_cuda_depthmap_engine(const DepthMapParams& params, int device);

}  // namespace fstack::kernels
