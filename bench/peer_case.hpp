// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The stackers side by side with the executables a user would compare: `fstack stack` with its
// defaults (alignment and balance on) and with --align none, and focus-stack (which always
// aligns) when a `focus-stack` executable is on PATH; skipped with a note otherwise.
#include <filesystem>
#include <string>
#include <vector>

namespace fstack::bench {

// Whole runs of each executable on the same frames, in child processes: wall time, peak RSS,
// time over decode-only (`decode_s`, same run) and over focus-stack's. Results go to `dir`.
void compare_with_peers(const std::vector<std::filesystem::path>& frames, const std::filesystem::path& dir,
                        double decode_s);

// The bytes of a file ("" when it cannot be read).
std::string read_bytes(const std::filesystem::path& file);

}  // namespace fstack::bench
