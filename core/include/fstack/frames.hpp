// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <vector>

#include "fstack/stacker.hpp"

namespace fstack {

// Frames read from files, decoded on demand (each pass re-decodes: memory stays constant).
// The first frame fixes the size; a frame of another size is an Error(Input) naming it, unless
// set_scale_mismatched(true): then it is resized to the first frame's size, with a note (an
// aspect ratio more than 2% off is still an error: that is another picture, not a zoom
// breathing). Frames of another bit depth or channel count are converted to the first frame's,
// with a note. Warnings of a decoder (a JPEG's unknown JFIF revision) are reported once a frame.
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
    // Also checks the pixel limit (limits.hpp) and that the memory a stack of frames of this
    // size needs is available.
    void validate();

    void set_scale_mismatched(bool on) { scale_mismatched_ = on; }

private:
    // Throws unless `s` is the first frame's size or may be scaled to it.
    void check_size(int index, cv::Size s, cv::Size first) const;

    std::vector<std::filesystem::path> paths_;
    Progress& progress_;
    cv::Size size_;
    int type_ = -1;
    std::vector<bool> noted_;
    std::vector<bool> decoded_;  // decoder warnings are reported on a frame's first decode only
    bool scale_mismatched_ = false;
};

// [begin, end) frame ranges of bunches of `frames` frames, each overlapping the previous one by
// `overlap` frames; the last bunch may be shorter. Throws Error(Usage) unless
// 1 <= frames and 0 <= overlap < frames.
struct FrameRange { int begin, end; };
std::vector<FrameRange> bunch_ranges(int frame_count, int frames, int overlap);

}  // namespace fstack
