// SPDX-License-Identifier: GPL-3.0-or-later
// The one output check before any work (CLI commands and job actions): not an input, not an
// existing file without overwrite, a writable folder, a name the file system can hold.
#include "fstack/output_check.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "fstack/error.hpp"

namespace fstack {
namespace fs = std::filesystem;
namespace {

fs::path folder_of(const fs::path& file) {
    return file.parent_path().empty() ? fs::path(".") : file.parent_path();
}

fs::path canonical_or_normal(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return ec ? fs::absolute(p, ec).lexically_normal() : c;
}

std::string prefix(const OutputCheck& c) { return c.owner.empty() ? std::string() : c.owner + ": "; }

[[noreturn]] void refuse(const fs::path& out, const OutputCheck& c, const std::string& why) {
    throw Error(ErrorKind::Output, out.string(), -1, prefix(c) + why);
}

}  // namespace

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec) && !ec;
    return canonical_or_normal(a) == canonical_or_normal(b);
}

InputFiles::InputFiles(const std::vector<fs::path>& files) {
    for (const fs::path& f : files) add(f);
}

void InputFiles::add(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        add_folder(file);
        return;
    }
    files_.emplace(Id(st.st_dev, st.st_ino), file);
    add_folder(folder_of(file));
}

void InputFiles::add_folder(const fs::path& dir, bool with_files) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        missing_folders_.emplace(canonical_or_normal(dir), dir);
        return;
    }
    folders_.emplace(Id(st.st_dev, st.st_ino), dir);
    if (!with_files || !S_ISDIR(st.st_mode)) return;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        struct stat f {};
        if (::stat(it->path().c_str(), &f) == 0 && !S_ISDIR(f.st_mode))
            files_.emplace(Id(f.st_dev, f.st_ino), it->path());
    }
}

const fs::path* InputFiles::find(const fs::path& p) const {
    struct stat st {};
    // An output that does not exist yet cannot be an input: every input exists.
    if (::stat(p.c_str(), &st) != 0) return nullptr;
    const auto it = files_.find(Id(st.st_dev, st.st_ino));
    return it == files_.end() ? nullptr : &it->second;
}

const fs::path* InputFiles::find_folder(const fs::path& dir) const {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        const auto it = folders_.find(Id(st.st_dev, st.st_ino));
        if (it != folders_.end()) return &it->second;
    }
    const auto it = missing_folders_.find(canonical_or_normal(dir));
    return it == missing_folders_.end() ? nullptr : &it->second;
}

void require_writable_folder(const fs::path& dir, const fs::path& target, const OutputCheck& c) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) refuse(target, c, "the folder " + dir.string() + " does not exist");
    if (!fs::is_directory(dir, ec)) refuse(target, c, dir.string() + " is not a folder");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        refuse(target, c, "cannot write in " + dir.string() + ": " + std::strerror(errno));
}

long max_name_length(const fs::path& dir) {
    errno = 0;
    const long n = ::pathconf(dir.c_str(), _PC_NAME_MAX);
    return n > 0 ? n : NAME_MAX;
}

void check_output_file(const fs::path& out, const InputFiles& inputs, const OutputCheck& c) {
    if (const fs::path* in = inputs.find(out)) {
        refuse(out, c, "the " + c.role + " would write over the input " + in->string() +
                           (c.owner.empty() ? " (it is one of the input frames)" : "") + "; choose another " +
                           c.option);
    }
    std::error_code ec;
    if (fs::is_directory(out, ec))
        refuse(out, c, "is a folder; the " + c.role + " must be a file name" +
                           (c.owner.empty() ? " (folders are for --bunch)" : ""));
    fs::path dir = folder_of(out);
    if (c.folder_made_later)
        while (!fs::exists(dir, ec) && dir.has_relative_path() && dir.has_parent_path() && dir != dir.parent_path())
            dir = dir.parent_path();
    if (!c.folder_made_later || fs::exists(dir, ec)) require_writable_folder(dir, out, c);
    const size_t length = out.filename().string().size();
    const long limit = max_name_length(dir);
    if (static_cast<long>(length) > limit)
        refuse(out, c, "the file name is " + std::to_string(length) + " bytes long; the file system of " +
                           dir.string() + " takes at most " + std::to_string(limit));
    if (!c.overwrite && fs::exists(fs::symlink_status(out, ec)))
        refuse(out, c, "the " + c.role + " file already exists (use --overwrite to replace it)");
}

void check_output_folder_not_input(const fs::path& dir, const InputFiles& inputs, const OutputCheck& c) {
    if (const fs::path* in = inputs.find_folder(dir))
        refuse(dir, c, "the " + c.role + " is the input folder " + in->string() +
                           "; its files would be taken for frames (or replace them): choose another " + c.option);
}

}  // namespace fstack
