// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What a path that is not a regular file is, in the words every message uses.
#include <filesystem>
#include <string>

namespace fstack::detail {

// Empty for a regular file (or a link to one); otherwise what it is: "a folder", "a named pipe
// (FIFO)", "a socket", "a character device", "a block device", each prefixed "a symbolic link to"
// when reached through a link, "a broken symbolic link" (or loop), "not found". Never blocks:
// it looks at the file's type, never opens it.
std::string not_a_regular_file(const std::filesystem::path& path);

}  // namespace fstack::detail
