// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What every fuzz target shares: a pixel limit small enough that a declared 20000x20000 image
// is refused rather than allocated (libFuzzer stops at 2 GiB RSS, and the limit logic itself is
// under test), and the rule that fstack::Error is the one exception a reader may throw.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"

namespace fstack::fuzz {

constexpr std::uint64_t kFuzzMaxPixels = 4'000'000;

inline void init() { set_max_pixels(kFuzzMaxPixels); }

inline std::vector<unsigned char> bytes_of(const std::uint8_t* data, std::size_t size) {
    return std::vector<unsigned char>(data, data + size);
}

// For targets whose API reads a path: one file per process in $TMPDIR (or /tmp), rewritten with
// each input. Returns false if the file cannot be written (the input is then skipped).
class InputFile {
public:
    InputFile(const char* tag, const char* extension) {
        const char* dir = std::getenv("TMPDIR");
        path_ = std::string(dir ? dir : "/tmp") + "/fstack-fuzz-" + tag + "-" + std::to_string(::getpid()) +
                extension;
    }
    bool write(const std::uint8_t* data, std::size_t size) const {
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) return false;
        if (size > 0) std::fwrite(data, 1, size, f);
        std::fclose(f);
        return true;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

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
