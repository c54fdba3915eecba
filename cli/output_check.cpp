// SPDX-License-Identifier: GPL-3.0-or-later
#include "output_check.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fstack/error.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

fs::path folder_of(const fs::path& file) {
    return file.parent_path().empty() ? fs::path(".") : file.parent_path();
}

void require_writable_folder(const fs::path& dir, const std::string& target) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        throw Error(ErrorKind::Output, target, -1, "the folder " + dir.string() + " does not exist");
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::Output, target, -1, dir.string() + " is not a folder");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw Error(ErrorKind::Output, target, -1,
                    "cannot write in " + dir.string() + ": " + std::strerror(errno));
}

}  // namespace

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec) && !ec;
    const fs::path ca = fs::weakly_canonical(a, ec);
    if (ec) return false;
    const fs::path cb = fs::weakly_canonical(b, ec);
    return !ec && ca == cb;
}

InputFiles::InputFiles(const std::vector<fs::path>& frames) {
    for (const fs::path& frame : frames) {
        struct stat st {};
        if (::stat(frame.c_str(), &st) == 0) ids_.emplace(std::make_pair(st.st_dev, st.st_ino), frame);
    }
}

bool InputFiles::contains(const fs::path& p) const {
    struct stat st {};
    // An output that does not exist yet cannot be an input: every input exists.
    return ::stat(p.c_str(), &st) == 0 && ids_.count(std::make_pair(st.st_dev, st.st_ino)) > 0;
}

void check_output_file(const fs::path& out, const InputFiles& inputs, bool overwrite,
                       const std::string& role) {
    const std::string name = out.string();
    if (inputs.contains(out))
        throw Error(ErrorKind::Output, name, -1,
                    "is one of the input frames; choose another " + role + " path");
    std::error_code ec;
    if (fs::is_directory(out, ec))
        throw Error(ErrorKind::Output, name, -1,
                    "is a folder; the " + role + " must be a file name (folders are for --bunch)");
    require_writable_folder(folder_of(out), name);
    if (!overwrite && fs::exists(out, ec))
        throw Error(ErrorKind::Output, name, -1,
                    "the " + role + " file already exists (use --overwrite to replace it)");
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
