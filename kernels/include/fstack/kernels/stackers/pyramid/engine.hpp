// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// PyramidStack on an executor (host or CUDA): the frames go in one at a time and stay in the
// executor's memory until the result comes back. Its memory depends on the frame size only.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace fstack::kernels {

struct PyramidParams {
    int min_size = 32;
    std::vector<float> energy_taps;  // the Gaussian of the local energy (odd count, <= kMaxTaps)
    std::vector<float> box_taps;     // the averaged base's box filter (odd count)
    float gen_kernel = 0.4f;
    bool cross_scale = true;
    bool consistency = true;
};

class PyramidEngine {
public:
    virtual ~PyramidEngine() = default;
    // A stack of width x height frames of `channels` channels, `depth` 8 or 16 bits.
    virtual void begin(int width, int height, int channels, int depth) = 0;
    virtual void begin_pass(int pass) = 0;
    // The next frame of the pass: rows of `step` bytes.
    virtual void add(const void* data, size_t step, int index) = 0;
    // The fused image (packed rows, the frames' depth) and the index of the sharpest frame per
    // pixel (packed rows of unsigned short).
    virtual void finish(void* image, unsigned short* depth_map) = 0;
    // The most memory the engine held on its executor.
    virtual size_t peak_bytes() const = 0;
    virtual std::string executor() const = 0;
};

std::unique_ptr<PyramidEngine> make_host_pyramid_engine(const PyramidParams& params);
// The CUDA engine on device `device`: null in a build without CUDA. Throws std::runtime_error
// with CUDA's reason when the device cannot be used.
std::unique_ptr<PyramidEngine> make_cuda_pyramid_engine(const PyramidParams& params, int device);

}  // namespace fstack::kernels
