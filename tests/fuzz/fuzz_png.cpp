// SPDX-License-Identifier: GPL-3.0-or-later
// Our libpng decoder (core/src/png_reader.cpp).
#include "fuzz_common.hpp"
#include "io/png_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = fstack::fuzz::bytes_of(data, size);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::decode_png(bytes, "fuzz.png", 0); });
    return 0;
}
