// SPDX-License-Identifier: GPL-3.0-or-later
// The depth-map engine on the CUDA executor: fusion.hpp's pipeline, its functors as kernels.
#include "fstack/kernels/exec/cuda_exec.cuh"
#include "fstack/kernels/stackers/depthmap/fusion.hpp"

namespace fstack::kernels {

std::unique_ptr<DepthMapEngine> make_cuda_depthmap_engine(const DepthMapParams& params, int device) {
    return std::make_unique<DepthMapFusion<CudaExec>>(params, device);
}

}  // namespace fstack::kernels
