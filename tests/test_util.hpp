// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "fstack/error.hpp"

namespace fstack::test {

// A fresh, empty folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "fstack-test");
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
// Runs a shell command and captures its output and exit code.
CommandResult run_command(const std::string& command);

// Path of the fstack executable and of tests/data.
std::string cli_path();
std::filesystem::path test_data();

// Bytes of a file, for "input unchanged" checks.
std::string file_bytes(const std::filesystem::path& p);

bool contains(const std::string& haystack, const std::string& needle);

// Prints a measured figure and records it in the test's XML properties.
void report(const std::string& key, double value);

// Runs `f`, which must throw fstack::Error, and returns it.
template <class F>
fstack::Error expect_error(F&& f) {
    try {
        f();
    } catch (const fstack::Error& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw a non-fstack exception: " << e.what();
        return fstack::Error(fstack::ErrorKind::Internal, "wrong exception");
    }
    ADD_FAILURE() << "did not throw";
    return fstack::Error(fstack::ErrorKind::Internal, "no exception");
}

}  // namespace fstack::test
