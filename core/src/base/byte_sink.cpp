// SPDX-License-Identifier: GPL-3.0-or-later
// Big- and little-endian writing to a file for the hand-written container formats.
#include "base/byte_sink.hpp"

#include <cerrno>
#include <cstring>

#include "fstack/error.hpp"

namespace fstack::detail {

ByteSink::ByteSink(const std::string& path, std::string shown) : shown_(std::move(shown)) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_)
        throw Error(ErrorKind::Output, shown_, -1, std::string("cannot create the file: ") + std::strerror(errno));
    // Large buffer: the layer data is written a row at a time.
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

ByteSink::~ByteSink() {
    if (file_) std::fclose(file_);
}

void ByteSink::bytes(const void* data, size_t n) {
    if (n == 0) return;
    if (std::fwrite(data, 1, n, file_) != n)
        throw Error(ErrorKind::Output, shown_, -1,
                    std::string("cannot write (disk full?): ") + std::strerror(errno));
    written_ += n;
}

void ByteSink::be16(uint16_t v) {
    const uint8_t b[2] = {uint8_t(v >> 8), uint8_t(v)};
    bytes(b, 2);
}
void ByteSink::be32(uint32_t v) {
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    bytes(b, 4);
}
void ByteSink::le16(uint16_t v) {
    const uint8_t b[2] = {uint8_t(v), uint8_t(v >> 8)};
    bytes(b, 2);
}
void ByteSink::le32(uint32_t v) {
    const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    bytes(b, 4);
}
void ByteSink::zeros(size_t n) {
    static const uint8_t zero[256] = {};
    while (n > 0) {
        const size_t k = n < sizeof zero ? n : sizeof zero;
        bytes(zero, k);
        n -= k;
    }
}

void ByteSink::close() {
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fflush(f) != 0 || std::ferror(f)) {
        std::fclose(f);
        throw Error(ErrorKind::Output, shown_, -1, std::string("cannot write (disk full?): ") + std::strerror(errno));
    }
    if (std::fclose(f) != 0)
        throw Error(ErrorKind::Output, shown_, -1, std::string("cannot close the file: ") + std::strerror(errno));
}

}  // namespace fstack::detail
