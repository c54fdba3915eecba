// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::read_image_info: the header parsers (our JPEG marker walk and PNG IHDR read, libtiff
// for TIFF), the truncation check and the orientation swap. It reads a path, so each input
// goes through one file in the fuzzer's temporary folder.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fstack/image_io.hpp"
#include "fuzz_common.hpp"

namespace {
std::string g_path;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    const char* dir = std::getenv("TMPDIR");
    g_path = std::string(dir ? dir : "/tmp") + "/fstack-fuzz-info-" + std::to_string(::getpid()) + ".img";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(g_path.c_str(), "wb");
    if (!f) return 0;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::read_image_info(g_path, 0); });
    return 0;
}
