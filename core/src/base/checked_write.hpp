// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Writing a whole buffer to a file with every failure checked (short writes, ENOSPC, EIO at
// close), so that a full disk is reported as one, naming the file the user asked for.
#include <filesystem>
#include <string>
#include <vector>

namespace fstack {

// Writes `bytes` to `file` (created or truncated). Throws Error(Output) naming `shown` with
// the system's reason, e.g. "No space left on device".
void write_bytes_checked(const std::filesystem::path& file, const std::vector<unsigned char>& bytes,
                         const std::string& shown);

}  // namespace fstack
