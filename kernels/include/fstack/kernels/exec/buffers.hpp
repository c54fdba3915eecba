// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the GPU pipelines (stackers/*/fusion.hpp) share on any executor: their buffers in the
// executor's memory, all released together, and their filters as Taps. Host code only.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "fstack/kernels/image/filters.hpp"

namespace fstack::kernels {

struct Buffer {
    void* p = nullptr;
    size_t bytes = 0;
    float* f() const { return static_cast<float*>(p); }
    unsigned short* u() const { return static_cast<unsigned short*>(p); }
};

// The buffers one pipeline holds on `Exec`: each from get(), all freed by release_all().
template <class Exec> class Buffers {
public:
    explicit Buffers(Exec& exec) : exec_(exec) {}
    ~Buffers() { release_all(); }
    Buffers(const Buffers&) = delete;
    Buffers& operator=(const Buffers&) = delete;
    Buffer get(size_t bytes) {
        Buffer b{exec_.alloc(bytes), bytes};
        owned_.push_back(b);
        return b;
    }
    void release_all() {
        for (const Buffer& b : owned_) exec_.release(b.p, b.bytes);
        owned_.clear();
    }

private:
    Exec& exec_;
    std::vector<Buffer> owned_;
};

// A centred filter of odd length up to kMaxTaps; std::invalid_argument otherwise.
inline Taps make_taps(const std::vector<float>& w, const char* what) {
    if (w.empty() || w.size() % 2 == 0 || w.size() > size_t(kMaxTaps))
        throw std::invalid_argument(std::string(what) + ": a filter needs an odd number of taps up to 99");
    Taps t;
    t.count = int(w.size());
    for (size_t i = 0; i < w.size(); ++i) t.w[i] = w[i];
    return t;
}

}  // namespace fstack::kernels
