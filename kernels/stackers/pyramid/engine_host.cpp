// SPDX-License-Identifier: GPL-3.0-or-later
// The pyramid engine on the host executor (the GPU pipeline's logic, run by the CPU suite).
#include "fstack/kernels/exec/host_exec.hpp"
#include "fstack/kernels/stackers/pyramid/fusion.hpp"

namespace fstack::kernels {

std::unique_ptr<PyramidEngine> make_host_pyramid_engine(const PyramidParams& params) {
    return std::make_unique<PyramidFusion<HostExec>>(params);
}

#if !defined(FSTACK_HAVE_CUDA)
std::unique_ptr<PyramidEngine> make_cuda_pyramid_engine(const PyramidParams&, int) { return nullptr; }
#endif

}  // namespace fstack::kernels
