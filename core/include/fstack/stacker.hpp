// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/progress.hpp"

namespace fstack {

// A stacker consumes the frames of a stack one at a time and fuses them into one image.
// Peak memory depends on the frame size, never on the number of frames: a stacker keeps only
// running accumulators. A stacker that needs to see the frames twice (DepthMapStack with
// MAP_MAX: pass 1 finds the depth map, pass 2 blends) says so with passes(); the driver then
// calls begin_pass(1) and feeds the same frames again in the same order.
//
// Frames are CV_8U or CV_16U with 1, 3 or 4 channels, all of one size and type. The result
// has the type of the frames.
class Stacker {
public:
    virtual ~Stacker() = default;
    virtual std::string name() const = 0;

    // Starts a new stack of `frame_count` frames (needed by depth-map normalisation).
    virtual void begin(int frame_count);
    virtual int passes() const { return 1; }
    virtual void begin_pass(int pass) { pass_ = pass; index_ = 0; }
    // Adds the next frame of the current pass.
    void add(const cv::Mat& frame);
    // Returns the fused image after the last frame of the last pass.
    virtual cv::Mat finish() = 0;

    // Index of the sharpest frame per pixel (CV_16U, 0 = first frame), valid after finish().
    const cv::Mat& depth_map() const { return depth_map_; }
    int frame_count() const { return frame_count_; }

    virtual std::unique_ptr<Stacker> clone() const = 0;

protected:
    virtual void add_frame(const cv::Mat& frame, int index) = 0;
    // Checks the size/type of `frame` against the first one.
    void check_frame(const cv::Mat& frame, int index);

    cv::Mat depth_map_;
    int frame_count_ = 0;
    int pass_ = 0;
    int index_ = 0;
    cv::Size size_;
    int type_ = -1;
};

// Anything that can produce frame i of a stack, possibly more than once (files, GIMP layers,
// frames in memory).
class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual int size() const = 0;
    virtual cv::Mat frame(int index) = 0;
    virtual std::string frame_name(int index) const = 0;
};

// Feeds every frame of `source` to `stacker`, for as many passes as it needs, and returns the
// fused image. Reports one step per frame and pass, and honours cancellation.
cv::Mat run_stacker(Stacker& stacker, FrameSource& source, Progress& progress = null_progress());

// Frames held in memory (GIMP, tests).
class MemoryFrameSource : public FrameSource {
public:
    explicit MemoryFrameSource(std::vector<cv::Mat> frames) : frames_(std::move(frames)) {}
    int size() const override { return static_cast<int>(frames_.size()); }
    cv::Mat frame(int index) override { return frames_.at(index); }
    // No file: errors then name the frame by its index alone.
    std::string frame_name(int) const override { return {}; }

private:
    std::vector<cv::Mat> frames_;
};

}  // namespace fstack
