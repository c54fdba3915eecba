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

    // The run's Progress (run_stacker sets it): polled between the steps of one frame, so that
    // a signal ends a stack of 150 MP frames within about a second, not at the next frame.
    void set_progress(Progress& progress) { progress_ = &progress; }

protected:
    // Throws Error(Cancelled) once the run is cancelled. Not from inside cv::parallel_for_.
    void check_cancel() const { progress_->check_cancel(); }

    virtual void add_frame(const cv::Mat& frame, int index) = 0;
    // Checks the size/type of `frame` against the first one.
    void check_frame(const cv::Mat& frame, int index);

    cv::Mat depth_map_;
    int frame_count_ = 0;
    int pass_ = 0;
    int index_ = 0;
    cv::Size size_;
    int type_ = -1;
    Progress* progress_ = &null_progress();
};

}  // namespace fstack
