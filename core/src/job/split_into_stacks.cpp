// SPDX-License-Identifier: GPL-3.0-or-later
// The seed's batch helper: a scanner run's files cut into stacks of a fixed size.
#include "fstack/split_into_stacks.hpp"

#include <algorithm>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {
namespace fs = std::filesystem;

std::vector<std::vector<fs::path>> split_into_stacks(std::vector<fs::path> paths, int stack_size,
                                                     bool keep_partial, Progress& progress) {
    if (stack_size < 1) throw Error(ErrorKind::Usage, "stack_size must be 1 or more, got " + std::to_string(stack_size));
    // stable: two files of one name in different folders keep the order they were given in.
    std::stable_sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
        return natural_less(a.filename().string(), b.filename().string());
    });
    const size_t n = paths.size(), size = static_cast<size_t>(stack_size);
    const size_t rest = n % size;
    if (rest != 0) {
        const std::string what = std::to_string(n) + " frames are not a multiple of the stack size " +
                                 std::to_string(stack_size) + ": " + std::to_string(rest) +
                                 " left over after " + std::to_string(n / size) + " full stacks";
        if (!keep_partial)
            throw Error(ErrorKind::Input, paths[n - rest].string(), static_cast<int>(n - rest),
                        what + " (a frame missing or extra would shift every later stack; check the "
                               "folder, or group by file name instead)");
        progress.warn(what + "; the last stack has " + std::to_string(rest) + " frames only");
    }
    std::vector<std::vector<fs::path>> stacks;
    for (size_t i = 0; i < n; i += size)
        stacks.emplace_back(paths.begin() + i, paths.begin() + std::min(n, i + size));
    return stacks;
}

}  // namespace fstack
