// SPDX-License-Identifier: GPL-3.0-or-later
// The pyramid engine on the CUDA executor: fusion.hpp's pipeline, its functors as kernels.
#include "fstack/kernels/exec/cuda_exec.cuh"
#include "fstack/kernels/stackers/pyramid/fusion.hpp"

namespace fstack::kernels {

std::unique_ptr<PyramidEngine> make_cuda_pyramid_engine(const PyramidParams& params, int device) {
    return std::make_unique<PyramidFusion<CudaExec>>(params, device);
}

}  // namespace fstack::kernels
