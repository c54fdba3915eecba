// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::read_layered_file: PSD, OpenRaster (zip), multi-page and Photoshop-layered TIFF. It
// reads a path, so each input goes through one file in the fuzzer's temporary folder.
#include "fstack/layered_read.hpp"
#include "fuzz_common.hpp"

namespace {
const fstack::fuzz::InputFile* g_file = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    g_file = new fstack::fuzz::InputFile("layered", ".bin");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!g_file->write(data, size)) return 0;
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::read_layered_file(g_file->path()); });
    return 0;
}
