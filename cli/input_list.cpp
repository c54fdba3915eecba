// SPDX-License-Identifier: GPL-3.0-or-later
#include "input_list.hpp"

#include <set>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;

std::vector<fs::path> gather_frames(const std::vector<std::string>& inputs, Progress& progress) {
    std::vector<fs::path> frames;
    std::set<fs::path> seen;
    for (const std::string& input : inputs) {
        const fs::path path(input);
        // One argument at a time, so that an empty folder can be named.
        const std::vector<fs::path> expanded = expand_inputs({path}, progress);
        std::error_code ec;
        if (expanded.empty() && fs::is_directory(path, ec))
            throw Error(ErrorKind::Input, input, -1, "no JPEG, PNG or TIFF images in this folder");
        for (const fs::path& frame : expanded) {
            const fs::path key = fs::weakly_canonical(frame, ec);
            if (!seen.insert(ec ? frame : key).second) {
                progress.warn("skipping " + frame.string() + ": already in the stack");
                continue;
            }
            frames.push_back(frame);
        }
    }
    return frames;
}

void require_two_frames(const std::vector<fs::path>& frames, const std::vector<std::string>& inputs) {
    if (frames.size() >= 2) return;
    std::error_code ec;
    if (inputs.size() == 1 && fs::is_directory(inputs.front(), ec))
        throw Error(ErrorKind::Input, inputs.front(), -1,
                    "only one image in this folder: a focus stack needs at least 2 frames");
    const std::string what = frames.empty() ? inputs.front() : frames.front().string();
    throw Error(ErrorKind::Input, what, -1, "only one frame: a focus stack needs at least 2 frames");
}

}  // namespace fstack::cli
