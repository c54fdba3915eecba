// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::decode_image, the body of read_image: format sniffing, the end-marker check, the
// TIFF header check before OpenCV's TIFF decoder, sample type and channel conversion, and
// the EXIF orientation read with exiv2 from the same bytes. Seeded with TIFF, JPEG and PNG.
#include "fstack/image_io.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = fstack::fuzz::bytes_of(data, size);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::decode_image(bytes, "fuzz.img", 0); });
    return 0;
}
