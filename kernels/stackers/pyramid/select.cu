// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA twin of select.cpp: the pyramid's max-energy selection over a whole plane.
#include <cuda_runtime.h>

#include "fstack/kernels/device/device.hpp"
#include "fstack/kernels/stackers/pyramid/select.hpp"

namespace fstack::kernels {
namespace {

__global__ void select_max_energy_kernel(const float* energy, const float* coeff, int n,
                                         int channels, int frame_index, float* best_energy,
                                         float* fused, unsigned short* best_index) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    select_max_energy(energy[i], coeff + static_cast<long>(i) * channels, channels, frame_index,
                      best_energy + i, fused + static_cast<long>(i) * channels,
                      best_index ? best_index + i : nullptr);
}

struct DeviceBuffer {
    void* p = nullptr;
    explicit DeviceBuffer(size_t bytes) {
        if (cudaMalloc(&p, bytes) != cudaSuccess) p = nullptr;
    }
    ~DeviceBuffer() {
        if (p) cudaFree(p);
    }
    template <class T> T* as() const { return static_cast<T*>(p); }
};

}  // namespace

bool gpu_select_max_energy(const float* energy, const float* coeff, int n, int channels,
                           int frame_index, float* best_energy, float* fused,
                           unsigned short* best_index) {
    if (!gpu_available()) return false;
    const size_t plane = sizeof(float) * n, planes = plane * channels;
    DeviceBuffer d_energy(plane), d_coeff(planes), d_best(plane), d_fused(planes),
        d_index(best_index ? sizeof(unsigned short) * n : 1);
    if (!d_energy.p || !d_coeff.p || !d_best.p || !d_fused.p || !d_index.p) return false;
    cudaMemcpy(d_energy.p, energy, plane, cudaMemcpyHostToDevice);
    cudaMemcpy(d_coeff.p, coeff, planes, cudaMemcpyHostToDevice);
    cudaMemcpy(d_best.p, best_energy, plane, cudaMemcpyHostToDevice);
    cudaMemcpy(d_fused.p, fused, planes, cudaMemcpyHostToDevice);
    if (best_index)
        cudaMemcpy(d_index.p, best_index, sizeof(unsigned short) * n, cudaMemcpyHostToDevice);
    const int block = 256;
    select_max_energy_kernel<<<(n + block - 1) / block, block>>>(
        d_energy.as<float>(), d_coeff.as<float>(), n, channels, frame_index, d_best.as<float>(),
        d_fused.as<float>(), best_index ? d_index.as<unsigned short>() : nullptr);
    if (cudaDeviceSynchronize() != cudaSuccess) return false;
    cudaMemcpy(best_energy, d_best.p, plane, cudaMemcpyDeviceToHost);
    cudaMemcpy(fused, d_fused.p, planes, cudaMemcpyDeviceToHost);
    if (best_index)
        cudaMemcpy(best_index, d_index.p, sizeof(unsigned short) * n, cudaMemcpyDeviceToHost);
    return cudaGetLastError() == cudaSuccess;
}

}  // namespace fstack::kernels
