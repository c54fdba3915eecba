// SPDX-License-Identifier: GPL-3.0-or-later
#include "output_check.hpp"

#include "fstack/error.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

void require_writable_folder(const fs::path& dir, const std::string& target) {
    fstack::require_writable_folder(dir, target, OutputCheck{});
}

}  // namespace

void check_output_file(const fs::path& out, const InputFiles& inputs, bool overwrite, const std::string& role) {
    OutputCheck check;
    check.overwrite = overwrite;
    check.role = role;
    check.option = role + " path";
    fstack::check_output_file(out, inputs, check);
}

void check_folder_not_input(const fs::path& dir, const InputFiles& inputs, const std::string& option) {
    OutputCheck check;
    check.role = option + " folder";
    check.option = option + " folder";
    fstack::check_output_folder_not_input(dir, inputs, check);
}

void check_output_folder(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec))
            throw Error(ErrorKind::Output, dir.string(), -1,
                        "exists and is not a folder; with --bunch the output is a folder");
        require_writable_folder(dir, dir.string());
        return;
    }
    // Missing parents are created too, but the nearest existing one must be writable.
    fs::path parent = fs::absolute(dir, ec).parent_path();
    while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.root_path())
        parent = parent.parent_path();
    require_writable_folder(parent.empty() ? fs::path(".") : parent, dir.string());
}

void make_output_folder(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw Error(ErrorKind::Output, dir.string(), -1,
                    "cannot create the output folder: " + (ec ? ec.message() : "not a folder"));
}

}  // namespace fstack::cli
