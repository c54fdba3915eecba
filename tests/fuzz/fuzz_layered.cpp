// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::read_layered_file: PSD, OpenRaster (zip), multi-page and Photoshop-layered TIFF. It
// reads a path, so each input goes through one file in the fuzzer's temporary folder.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fstack/layered_read.hpp"
#include "fuzz_common.hpp"

namespace {
std::string g_path;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    const char* dir = std::getenv("TMPDIR");
    g_path = std::string(dir ? dir : "/tmp") + "/fstack-fuzz-layered-" + std::to_string(::getpid()) + ".bin";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(g_path.c_str(), "wb");
    if (!f) return 0;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::read_layered_file(g_path); });
    return 0;
}
