// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <vector>

#include "fstack/stacker.hpp"

namespace fstack {

// Frames read from files, decoded on demand (each pass re-decodes: memory stays constant).
// The first frame fixes the size; a frame of another size is an Error(Input) naming it. Frames
// of another bit depth or channel count are converted to the first frame's, with a note.
class FileFrameSource : public FrameSource {
public:
    explicit FileFrameSource(std::vector<std::filesystem::path> paths,
                             Progress& progress = null_progress());
    int size() const override { return static_cast<int>(paths_.size()); }
    cv::Mat frame(int index) override;
    std::string frame_name(int index) const override;
    const std::vector<std::filesystem::path>& paths() const { return paths_; }

    // Reads every frame header (not the pixels) and throws on the first unusable one, so that
    // errors come before any work.
    void validate();

private:
    std::vector<std::filesystem::path> paths_;
    Progress& progress_;
    cv::Size size_;
    int type_ = -1;
    std::vector<bool> noted_;
};

// [begin, end) frame ranges of bunches of `frames` frames, each overlapping the previous one by
// `overlap` frames; the last bunch may be shorter. Throws Error(Usage) unless
// 1 <= frames and 0 <= overlap < frames.
struct FrameRange { int begin, end; };
std::vector<FrameRange> bunch_ranges(int frame_count, int frames, int overlap);

}  // namespace fstack
