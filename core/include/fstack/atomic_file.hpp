// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>

namespace fstack {

// Writes a file atomically: `write` fills a temporary path in the target folder (same extension,
// so that encoders that choose by extension work), then it is renamed over `target`. On any
// exception the temporary file is removed and the exception is rethrown as Error(Output).
// With `overwrite` false an existing target is an error, checked before the work and again by
// the rename itself: a target that appears meanwhile is not replaced (Error(Output)).
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& tmp)>& write,
                      bool overwrite = true);

// Temporary files created by write_atomically that are still open; removed on SIGINT by the CLI.
void remove_pending_temporaries() noexcept;

}  // namespace fstack
