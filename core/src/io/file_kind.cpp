// SPDX-License-Identifier: GPL-3.0-or-later
// What a path that is not a regular file is (folder, pipe, device, broken link), by its type.
#include "io/file_kind.hpp"

namespace fstack::detail {

std::string not_a_regular_file(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status own = fs::symlink_status(path, ec);
    if (ec || own.type() == fs::file_type::not_found) return "not found";
    const bool link = own.type() == fs::file_type::symlink;
    const fs::file_status target = fs::status(path, ec);
    if (link && (ec || target.type() == fs::file_type::not_found))
        return "a broken symbolic link" + (ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")" : std::string());
    std::string what;
    switch (target.type()) {
        case fs::file_type::regular: return {};
        case fs::file_type::directory: what = "a folder"; break;
        case fs::file_type::fifo: what = "a named pipe (FIFO)"; break;
        case fs::file_type::socket: what = "a socket"; break;
        case fs::file_type::character: what = "a character device"; break;
        case fs::file_type::block: what = "a block device"; break;
        default: what = "not a regular file"; break;
    }
    return link ? "a symbolic link to " + what : what;
}

}  // namespace fstack::detail
