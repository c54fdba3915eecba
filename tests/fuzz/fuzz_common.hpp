// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What every fuzz target shares: a pixel limit small enough that a declared 20000x20000 image
// is refused rather than allocated (libFuzzer stops at 2 GiB RSS, and the limit logic itself is
// under test), and the rule that fstack::Error is the one exception a reader may throw.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"

namespace fstack::fuzz {

constexpr std::uint64_t kFuzzMaxPixels = 4'000'000;

inline void init() { set_max_pixels(kFuzzMaxPixels); }

inline std::vector<unsigned char> bytes_of(const std::uint8_t* data, std::size_t size) {
    return std::vector<unsigned char>(data, data + size);
}

// Runs `read`; fstack::Error is the expected answer to hostile bytes, anything else escapes and
// libFuzzer reports it as a crash.
template <typename F>
void expect_only_fstack_errors(F&& read) {
    try {
        read();
    } catch (const Error&) {
    }
}

}  // namespace fstack::fuzz
