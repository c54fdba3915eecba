// SPDX-License-Identifier: GPL-3.0-or-later
// Our libjpeg decoder (core/src/jpeg_reader.cpp): error manager, warning policy, scan limit,
// CMYK conversion.
#include "fuzz_common.hpp"
#include "io/jpeg_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = fstack::fuzz::bytes_of(data, size);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::decode_jpeg(bytes, "fuzz.jpg", 0, fstack::null_progress()); });
    return 0;
}
