// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/raw.hpp"

namespace fstack {

// Anything that can produce frame i of a stack, possibly more than once (files, GIMP layers,
// frames in memory).
class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual int size() const = 0;
    virtual cv::Mat frame(int index) = 0;
    virtual std::string frame_name(int index) const = 0;
    // Frame `index`'s position in the whole stack it comes from, for messages (a bunch's frame 0
    // is the stack's frame 10).
    virtual int origin(int index) const { return index; }
    // True when frame() may be called from a thread other than the one that made the source
    // (one call at a time): the frame pipeline then analyses on a thread of its own. A source
    // that reads through a host program (GIMP's layers) says false and is read on the caller's
    // thread only.
    virtual bool reads_from_any_thread() const { return false; }
    // The frames' size, depth and channels as known before any frame is decoded (a file's
    // header), for the memory check made before any work; nullopt where unknown.
    virtual std::optional<ImageInfo> declared_format() const { return std::nullopt; }
};

// Frames held in memory (GIMP, tests).
class MemoryFrameSource : public FrameSource {
public:
    explicit MemoryFrameSource(std::vector<cv::Mat> frames) : frames_(std::move(frames)) {}
    int size() const override { return static_cast<int>(frames_.size()); }
    cv::Mat frame(int index) override { return frames_.at(index); }
    bool reads_from_any_thread() const override { return true; }
    // No file: errors then name the frame by its index alone.
    std::string frame_name(int) const override { return {}; }

private:
    std::vector<cv::Mat> frames_;
};

// A view of frames [begin, end) of another source (a bunch of an aligned stack).
class FrameRangeSource : public FrameSource {
public:
    FrameRangeSource(FrameSource& source, int begin, int end)
        : source_(source), begin_(begin), end_(end) {}
    int size() const override { return end_ - begin_; }
    cv::Mat frame(int index) override { return source_.frame(begin_ + index); }
    std::string frame_name(int index) const override { return source_.frame_name(begin_ + index); }
    int origin(int index) const override { return source_.origin(begin_ + index); }
    bool reads_from_any_thread() const override { return source_.reads_from_any_thread(); }
    std::optional<ImageInfo> declared_format() const override { return source_.declared_format(); }

private:
    FrameSource& source_;
    int begin_, end_;
};

// The rectangle `area` of every frame of another source (a cropped result's frames); shares
// ownership of that source.
class CroppedFrameSource : public FrameSource {
public:
    CroppedFrameSource(std::shared_ptr<FrameSource> source, cv::Rect area)
        : source_(std::move(source)), area_(area) {}
    int size() const override { return source_->size(); }
    cv::Mat frame(int index) override { return source_->frame(index)(area_).clone(); }
    std::string frame_name(int index) const override { return source_->frame_name(index); }
    int origin(int index) const override { return source_->origin(index); }
    bool reads_from_any_thread() const override { return source_->reads_from_any_thread(); }

private:
    std::shared_ptr<FrameSource> source_;
    cv::Rect area_;
};

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
    bool reads_from_any_thread() const override { return true; }
    const std::vector<std::filesystem::path>& paths() const { return paths_; }
    // The first frame's header (read now unless validate() did; nullopt if it does not parse:
    // decoding the frame then says why).
    std::optional<ImageInfo> declared_format() const override;

    // Reads every frame header (not the pixels) and throws on the first unusable one, so that
    // errors come before any work.
    // Also checks the pixel limit (limits.hpp); the memory a stack needs is checked by stack()
    // (it depends on the stacker and the actions).
    void validate();

    void set_scale_mismatched(bool on) { scale_mismatched_ = on; }
    // How raw frames are developed (space Auto: sRGB). Every frame gets the white balance of the
    // first frame (its as-shot, daylight or auto multipliers) and the same exposure scaling.
    void set_raw_options(const RawOptions& options) { raw_ = options; }
    // Raw frames among JPEG/PNG/TIFF ones are refused by validate() unless this is on (their
    // tone curves differ).
    void set_allow_mixed(bool on) { allow_mixed_ = on; }
    // True when the first frame is raw and raw frames are developed in linear light: a TIFF
    // result then gets the linear sRGB ICC profile.
    bool linear_light() const { return first_raw_ && raw_.space == RawSpace::Linear; }

private:
    // Throws unless `s` is the first frame's size or may be scaled to it.
    void check_size(int index, cv::Size s, cv::Size first) const;

    std::vector<std::filesystem::path> paths_;
    Progress& progress_;
    cv::Size size_;
    int type_ = -1;
    mutable std::optional<ImageInfo> first_;  // frame 0's header
    std::vector<bool> noted_;
    std::vector<bool> decoded_;  // decoder warnings are reported on a frame's first decode only
    bool scale_mismatched_ = false;
    RawOptions raw_;
    bool allow_mixed_ = false;
    bool first_raw_ = false;
};

// `w` with the linear sRGB ICC profile when `frames` gave linear-light raw frames (the result is
// then linear too), else unchanged.
WriteOptions with_raw_profile(WriteOptions w, const FileFrameSource& frames);

}  // namespace fstack
