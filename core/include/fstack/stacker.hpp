// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/device.hpp"
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
//
// Each frame's work is in two parts: prepare() needs that frame alone (the float copy, the
// pyramid, the focus energy: most of the time), merge() folds it into the accumulators in frame
// order. run_stacker prepares several frames at once on its threads and merges them in order,
// so that the result is bit-identical whatever the number of threads.
class Stacker {
public:
    virtual ~Stacker() = default;
    virtual std::string name() const = 0;

    // Starts a new stack of `frame_count` frames (needed by depth-map normalisation).
    virtual void begin(int frame_count);
    virtual int passes() const { return 1; }
    virtual void begin_pass(int pass) { pass_ = pass; index_ = 0; }
    // Adds the next frame of the current pass (prepare and merge on this thread).
    void add(const cv::Mat& frame);

    // What prepare() makes of one frame for merge().
    struct FrameWork {
        cv::Mat frame;              // the frame as float (or as given, where merge needs no more)
        std::vector<cv::Mat> mats;  // the stacker's per-frame results (pyramid levels, energies)
    };
    // The parts of add() for run_stacker's threads: accept() checks the next frame of the pass
    // and returns its index (caller's thread, in order); prepare() may run on any thread, for
    // several frames at once (it reads only the options and what begin_pass fixed); merge()
    // takes them back in index order on the caller's thread.
    int accept(const cv::Mat& frame);
    virtual FrameWork prepare(const cv::Mat& frame, int index) const = 0;
    virtual void merge(FrameWork& work, int index) = 0;
    // The bytes prepare()'s result holds, per pixel of a frame with `channels` channels (the
    // memory of one more frame in flight).
    virtual double work_bytes_per_pixel(int channels) const = 0;
    // Returns the fused image after the last frame of the last pass.
    virtual cv::Mat finish() = 0;

    // Index of the sharpest frame per pixel (CV_16U, 0 = first frame), valid after finish().
    const cv::Mat& depth_map() const { return depth_map_; }
    int frame_count() const { return frame_count_; }

    virtual std::unique_ptr<Stacker> clone() const = 0;

    // This stacker's twin on `device` (same options, same result within one level of 8-bit),
    // or null where it has no path there: the stacking step asks once, for --device cuda.
    virtual std::unique_ptr<Stacker> for_device(const Device& device) const;

    // The run's Progress (run_stacker sets it): polled between the steps of one frame, so that
    // a signal ends a stack of 150 MP frames within about a second, not at the next frame.
    void set_progress(Progress& progress) { progress_ = &progress; }

    // Throws Error(Cancelled) once the run is cancelled. Not from inside cv::parallel_for_. On
    // a thread of run_stacker's other than the caller's, it reads the flag that the caller's
    // thread sets (a front end's Progress is asked from its own thread only).
    void check_cancel() const;
    // Makes check_cancel() throw on run_stacker's other threads (a frame failed: the frames
    // still in flight need not finish). begin() clears it.
    void stop_work() const { cancelled_ = true; }

protected:
    // Checks the size/type of `frame` against the first one.
    void check_frame(const cv::Mat& frame, int index);

    cv::Mat depth_map_;
    int frame_count_ = 0;
    int pass_ = 0;
    int index_ = 0;
    cv::Size size_;
    int type_ = -1;
    Progress* progress_ = &null_progress();

private:
    std::thread::id driver_ = std::this_thread::get_id();
    mutable std::atomic<bool> cancelled_{false};
};

}  // namespace fstack
