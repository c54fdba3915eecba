// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::read_image_info: the header parsers (our JPEG marker walk and PNG IHDR read, libtiff
// for TIFF), the truncation check and the orientation swap. It reads a path, so each input
// goes through one file in the fuzzer's temporary folder.
#include "fstack/image_io.hpp"
#include "fuzz_common.hpp"

namespace {
const fstack::fuzz::InputFile* g_file = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    g_file = new fstack::fuzz::InputFile("info", ".img");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!g_file->write(data, size)) return 0;
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::read_image_info(g_file->path(), 0); });
    return 0;
}
