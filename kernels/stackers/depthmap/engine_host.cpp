// SPDX-License-Identifier: GPL-3.0-or-later
// The depth-map engine on the host executor (the GPU pipeline's logic, run by the CPU suite).
#include "fstack/kernels/exec/host_exec.hpp"
#include "fstack/kernels/stackers/depthmap/fusion.hpp"

namespace fstack::kernels {

std::unique_ptr<DepthMapEngine> make_host_depthmap_engine(const DepthMapParams& params) {
    return std::make_unique<DepthMapFusion<HostExec>>(params);
}

#if !defined(FSTACK_HAVE_CUDA)
std::unique_ptr<DepthMapEngine> make_cuda_depthmap_engine(const DepthMapParams&, int) { return nullptr; }
#endif

}  // namespace fstack::kernels
