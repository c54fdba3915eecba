// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The CUDA executor: host_exec.hpp's calls on a device and a stream. run() launches one thread
// per pixel of the functor (the same functor the host executor calls in a loop). Frames go up
// through two pinned staging buffers: the copy of frame i runs on the stream while the caller
// decodes frame i+1, and a staging buffer is refilled only once its copy has finished. Every
// CUDA error is thrown as std::runtime_error with CUDA's reason.
#include <cuda_runtime.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace fstack::kernels {

inline void cuda_check(cudaError_t err, const char* what) {
    if (err != cudaSuccess)
        throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(err));
}

template <class F> __global__ void run_functor(F f, int width, int height) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < width && y < height) f(x, y);
}

class CudaExec {
public:
    explicit CudaExec(int device) : device_(device) {
        cuda_check(cudaSetDevice(device), "cudaSetDevice");
        cuda_check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
        for (auto& e : staged_) cuda_check(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate");
    }
    ~CudaExec() {
        cudaSetDevice(device_);
        if (stream_) cudaStreamSynchronize(stream_);
        for (int i = 0; i < 2; ++i) {
            if (staging_[i]) cudaFreeHost(staging_[i]);
            if (staged_[i]) cudaEventDestroy(staged_[i]);
        }
        if (stream_) cudaStreamDestroy(stream_);
    }
    CudaExec(const CudaExec&) = delete;
    CudaExec& operator=(const CudaExec&) = delete;

    std::string name() const { return "cuda:" + std::to_string(device_); }
    void* alloc(size_t bytes) {
        void* p = nullptr;
        cuda_check(cudaMallocAsync(&p, bytes ? bytes : 1, stream_), "cudaMallocAsync (device memory)");
        live_ += bytes;
        peak_ = live_ > peak_ ? live_ : peak_;
        return p;
    }
    void release(void* p, size_t bytes) {
        cudaFreeAsync(p, stream_);
        live_ -= bytes;
    }
    void upload_frame(void* dst, const void* src, size_t src_step, size_t row_bytes, int rows) {
        const size_t bytes = row_bytes * size_t(rows);
        const int s = next_;
        next_ ^= 1;
        if (staging_bytes_[s] < bytes) {
            cuda_check(cudaEventSynchronize(staged_[s]), "cudaEventSynchronize");
            if (staging_[s]) cudaFreeHost(staging_[s]);
            staging_[s] = nullptr;
            cuda_check(cudaMallocHost(&staging_[s], bytes), "cudaMallocHost (pinned staging)");
            staging_bytes_[s] = bytes;
        }
        cuda_check(cudaEventSynchronize(staged_[s]), "cudaEventSynchronize");  // its last copy is done
        for (int y = 0; y < rows; ++y)
            std::memcpy(static_cast<char*>(staging_[s]) + row_bytes * y, static_cast<const char*>(src) + src_step * y, row_bytes);
        cuda_check(cudaMemcpyAsync(dst, staging_[s], bytes, cudaMemcpyHostToDevice, stream_), "cudaMemcpyAsync (upload)");
        cuda_check(cudaEventRecord(staged_[s], stream_), "cudaEventRecord");
    }
    void download(void* dst, const void* src, size_t bytes) {
        cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_), "cudaMemcpyAsync (download)");
        sync();
    }
    void copy(void* dst, const void* src, size_t bytes) {
        cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream_), "cudaMemcpyAsync");
    }
    template <class F> void run(int width, int height, const F& f) {
        if (width <= 0 || height <= 0) return;
        const dim3 block(32, 8);
        const dim3 grid((width + 31) / 32, (height + 7) / 8);
        run_functor<<<grid, block, 0, stream_>>>(f, width, height);
        cuda_check(cudaGetLastError(), "kernel launch");
    }
    void sync() { cuda_check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); }
    size_t peak_bytes() const { return peak_; }

private:
    int device_;
    cudaStream_t stream_ = nullptr;
    void* staging_[2] = {nullptr, nullptr};
    size_t staging_bytes_[2] = {0, 0};
    cudaEvent_t staged_[2] = {nullptr, nullptr};
    int next_ = 0;
    size_t live_ = 0, peak_ = 0;
};

}  // namespace fstack::kernels
