// SPDX-License-Identifier: GPL-3.0-or-later
// PyramidStack on an executor (CUDA, or the host one in the tests): kernels::PyramidEngine as a
// Stacker (engine_stacker.hpp).
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/kernels/stackers/pyramid/engine.hpp"
#include "fstack/pyramid_stack.hpp"
#include "stackers/engine_stacker.hpp"

namespace fstack {
namespace {

// The same filters as the CPU path: OpenCV's Gaussian of the local energy, the box of the
// local deviation (pyramid_stack.cpp).
kernels::PyramidParams engine_params(const PyramidStackOptions& o) {
    kernels::PyramidParams p;
    p.min_size = o.pyramid_min_size;
    p.energy_taps = taps_of(cv::getGaussianKernel(std::max(1, o.kernel_size | 1), 0, CV_32F));
    const int box = std::max(3, o.kernel_size | 1);
    p.box_taps.assign(size_t(box), 1.0f / float(box));
    p.gen_kernel = float(o.gen_kernel);
    p.cross_scale = o.cross_scale;
    p.consistency = o.consistency;
    return p;
}

class EnginePyramidStack final : public EngineStacker<kernels::PyramidEngine> {
public:
    EnginePyramidStack(PyramidStackOptions options, int device)
        : EngineStacker(make_engine(device, engine_params(options), &kernels::make_host_pyramid_engine,
                                    &kernels::make_cuda_pyramid_engine),
                        "pyramid"),
          options_(options), device_(device) {}
    int passes() const override { return options_.consistency ? 2 : 1; }
    std::unique_ptr<Stacker> clone() const override {
        return std::make_unique<EnginePyramidStack>(options_, device_);
    }

private:
    PyramidStackOptions options_;
    int device_;
};

}  // namespace

std::unique_ptr<Stacker> make_pyramid_engine_stack(const PyramidStackOptions& options, int cuda_device) {
    return std::make_unique<EnginePyramidStack>(options, cuda_device);
}

std::unique_ptr<Stacker> PyramidStack::for_device(const Device& device) const {
    if (!device.cuda()) return nullptr;
    return make_pyramid_engine_stack(options_, device.index);
}

}  // namespace fstack
