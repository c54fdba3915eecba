// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Big- and little-endian writing to a file, for the hand-written container formats (PSD, the
// Photoshop TIFF). Buffered by stdio; every failure becomes Error(Output) naming the target.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fstack::detail {

class ByteSink {
public:
    // `shown` is the name errors give (the final file, not the temporary one).
    ByteSink(const std::string& path, std::string shown);
    ~ByteSink();
    ByteSink(const ByteSink&) = delete;
    ByteSink& operator=(const ByteSink&) = delete;

    void bytes(const void* data, size_t n);
    void u8(uint8_t v) { bytes(&v, 1); }
    void be16(uint16_t v);
    void be32(uint32_t v);
    void le16(uint16_t v);
    void le32(uint32_t v);
    void zeros(size_t n);
    uint64_t position() const { return written_; }
    // Flushes and closes; throws if anything failed (a full disk shows up here at the latest).
    void close();

private:
    std::FILE* file_ = nullptr;
    std::string shown_;
    uint64_t written_ = 0;
};

// The same operations into memory, for the small parts whose size must be known first.
class ByteBuffer {
public:
    void bytes(const void* data, size_t n) {
        const auto* p = static_cast<const uint8_t*>(data);
        data_.insert(data_.end(), p, p + n);
    }
    void u8(uint8_t v) { data_.push_back(v); }
    void be16(uint16_t v) { u8(uint8_t(v >> 8)); u8(uint8_t(v)); }
    void be32(uint32_t v) { be16(uint16_t(v >> 16)); be16(uint16_t(v)); }
    void zeros(size_t n) { data_.insert(data_.end(), n, 0); }
    const std::vector<uint8_t>& data() const { return data_; }
    size_t size() const { return data_.size(); }

private:
    std::vector<uint8_t> data_;
};

}  // namespace fstack::detail
