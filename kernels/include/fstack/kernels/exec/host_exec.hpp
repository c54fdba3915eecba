// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The host executor: the GPU executors' code (e.g. stackers/pyramid/fusion.hpp) run on the CPU,
// functor by functor and pixel by pixel, with host memory. Its twin for CUDA is cuda_exec.cuh: the
// same calls, the same functors, device memory and a stream. The tests run the GPU pipelines'
// logic through it on every machine; it is not a fast CPU path (the stackers' OpenCV code is).
//
// An executor has: alloc/release (bytes), upload_frame (rows of a frame into its memory),
// download, copy, and run(width, height, functor), which calls functor(x, y) for every pixel.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace fstack::kernels {

class HostExec {
public:
    std::string name() const { return "host"; }
    void* alloc(size_t bytes) {
        void* p = std::malloc(bytes ? bytes : 1);
        if (!p) throw std::bad_alloc();
        live_ += bytes;
        peak_ = live_ > peak_ ? live_ : peak_;
        return p;
    }
    void release(void* p, size_t bytes) {
        std::free(p);
        live_ -= bytes;
    }
    void upload_frame(void* dst, const void* src, size_t src_step, size_t row_bytes, int rows) {
        for (int y = 0; y < rows; ++y)
            std::memcpy(static_cast<char*>(dst) + row_bytes * y, static_cast<const char*>(src) + src_step * y, row_bytes);
    }
    void download(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
    void copy(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
    template <class F> void run(int width, int height, const F& f) {
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) f(x, y);
    }
    void sync() {}
    size_t peak_bytes() const { return peak_; }

private:
    size_t live_ = 0, peak_ = 0;
};

}  // namespace fstack::kernels
