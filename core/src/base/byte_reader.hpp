// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Bounds-checked big-endian reading from memory, for the layered-file readers. Reading past the
// end is an Error(Input) naming the file: a truncated or corrupt file, never a crash.
#include <cstdint>
#include <string>
#include <vector>

#include "fstack/error.hpp"

namespace fstack::detail {

class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size, std::string shown)
        : data_(data), size_(size), shown_(std::move(shown)) {}
    size_t pos() const { return pos_; }
    size_t size() const { return size_; }
    void seek(size_t p) {
        if (p > size_) fail();
        pos_ = p;
    }
    void skip(size_t n) { seek(pos_ + n); }
    const uint8_t* take(size_t n) {
        if (n > size_ - pos_) fail();
        const uint8_t* p = data_ + pos_;
        pos_ += n;
        return p;
    }
    uint8_t u8() { return *take(1); }
    uint16_t be16() { const uint8_t* p = take(2); return uint16_t(p[0] << 8 | p[1]); }
    uint32_t be32() { const uint8_t* p = take(4); return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
    std::string str(size_t n) { const uint8_t* p = take(n); return std::string(p, p + n); }
    [[noreturn]] void fail(const std::string& why = "the file is truncated or corrupt") const {
        throw Error(ErrorKind::Input, shown_, -1, why);
    }
    const std::string& shown() const { return shown_; }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
    std::string shown_;
};

}  // namespace fstack::detail
