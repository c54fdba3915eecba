// SPDX-License-Identifier: GPL-3.0-or-later
// Every input the fuzzers once crashed on (tests/fuzz/regressions/TARGET/), replayed through the
// same API in the ordinary test build, with the default pixel limit a user has: each must end
// in an fstack::Error that names the file (these inputs are all damaged), never in another
// exception, a crash or, under scripts/sanitize.sh, a sanitizer report. scripts/fuzz.sh replays
// them in the fuzz build as well.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job_file.hpp"
#include "fstack/layered_read.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::test::TempDir;

struct Target {
    const char* extension;  // the fuzz target's own temporary file name ends so
    std::function<void(const fs::path&)> read;
};

const std::map<std::string, Target>& targets() {
    static const std::map<std::string, Target> t = {
        {"fuzz_job_file", {".toml", [](const fs::path& p) { fstack::load_job_file(p); }}},
        {"fuzz_layered", {".bin", [](const fs::path& p) { fstack::read_layered_file(p); }}},
        {"fuzz_read_image", {".jpg", [](const fs::path& p) { fstack::read_image(p); }}},
        {"fuzz_image_info", {".jpg", [](const fs::path& p) { fstack::read_image_info(p); }}},
        {"fuzz_jpeg", {".jpg", [](const fs::path& p) { fstack::read_image(p); }}},
        {"fuzz_png", {".png", [](const fs::path& p) { fstack::read_image(p); }}},
    };
    return t;
}

fs::path regressions() { return fstack::test::test_data().parent_path() / "fuzz" / "regressions"; }

TEST(FuzzRegressions, EveryKeptInputGivesACleanError) {
    ASSERT_TRUE(fs::is_directory(regressions())) << regressions();
    int replayed = 0;
    for (const auto& dir : fs::directory_iterator(regressions())) {
        const std::string target = dir.path().filename().string();
        const auto t = targets().find(target);
        ASSERT_NE(t, targets().end()) << "no replay for " << target << ": add it to this test";
        std::vector<fs::path> inputs;
        for (const auto& f : fs::directory_iterator(dir.path())) inputs.push_back(f.path());
        std::sort(inputs.begin(), inputs.end());
        EXPECT_FALSE(inputs.empty()) << dir.path();
        for (const fs::path& input : inputs) {
            SCOPED_TRACE(target + "/" + input.filename().string());
            TempDir tmp;
            const fs::path copy = tmp / (input.filename().string() + t->second.extension);
            fs::copy_file(input, copy);
            try {
                t->second.read(copy);
                ADD_FAILURE() << "read without an error";
            } catch (const fstack::Error& e) {
                EXPECT_TRUE(fstack::test::contains(e.what(), copy.string())) << e.what();
            }
            EXPECT_EQ(fstack::test::file_bytes(copy), fstack::test::file_bytes(input)) << "the input was changed";
            ++replayed;
        }
    }
    EXPECT_GE(replayed, 4);  // the four kept when this test was written
}

}  // namespace
