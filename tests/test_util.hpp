// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>

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

}  // namespace fstack::test
