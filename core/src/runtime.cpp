// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/runtime.hpp"

#include <malloc.h>

#include <mutex>

namespace fstack {

void tune_allocator() {
    static std::once_flag once;
    std::call_once(once, [] {
#if defined(__GLIBC__)
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    });
}

}  // namespace fstack
