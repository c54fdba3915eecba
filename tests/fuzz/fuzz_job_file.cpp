// SPDX-License-Identifier: GPL-3.0-or-later
// fstack::load_job_file: TOML syntax (toml++), typed keys, action tables. It reads a path, so
// each input goes through one file in the fuzzer's temporary folder.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fstack/job_file.hpp"
#include "fuzz_common.hpp"

namespace {
std::string g_path;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fstack::fuzz::init();
    const char* dir = std::getenv("TMPDIR");
    g_path = std::string(dir ? dir : "/tmp") + "/fstack-fuzz-job-" + std::to_string(::getpid()) + ".toml";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(g_path.c_str(), "wb");
    if (!f) return 0;
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    fstack::fuzz::expect_only_fstack_errors([&] { fstack::load_job_file(g_path); });
    return 0;
}
