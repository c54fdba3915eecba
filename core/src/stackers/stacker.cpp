// SPDX-License-Identifier: GPL-3.0-or-later
// The Stacker base: frame checks and the per-stack state every stacker shares.
#include "fstack/stacker.hpp"

#include "fstack/error.hpp"

namespace fstack {

void Stacker::begin(int frame_count) {
    driver_ = std::this_thread::get_id();
    cancelled_ = false;
    frame_count_ = frame_count;
    pass_ = 0;
    index_ = 0;
    type_ = -1;
    depth_map_.release();
}

void Stacker::check_frame(const cv::Mat& frame, int index) {
    if (frame.empty()) throw Error(ErrorKind::Input, {}, index, "empty frame");
    if (frame.depth() != CV_8U && frame.depth() != CV_16U)
        throw Error(ErrorKind::Input, {}, index, "frames must be 8- or 16-bit");
    if (type_ < 0) {
        size_ = frame.size();
        type_ = frame.type();
    } else if (frame.size() != size_ || frame.type() != type_) {
        throw Error(ErrorKind::Input, {}, index,
                    "frame size or type differs from the first frame's (" +
                        std::to_string(frame.cols) + "x" + std::to_string(frame.rows) + " vs " +
                        std::to_string(size_.width) + "x" + std::to_string(size_.height) + ")");
    }
}

int Stacker::accept(const cv::Mat& frame) {
    check_frame(frame, index_);
    return index_++;
}

void Stacker::add(const cv::Mat& frame) {
    const int index = accept(frame);
    FrameWork work = prepare(frame, index);
    merge(work, index);
}

std::unique_ptr<Stacker> Stacker::for_device(const Device&) const { return nullptr; }

void Stacker::check_cancel() const {
    if (std::this_thread::get_id() != driver_) {
        if (cancelled_.load()) throw Error(ErrorKind::Cancelled, "cancelled");
        return;
    }
    try {
        progress_->check_cancel();
    } catch (const Error&) {
        cancelled_ = true;
        throw;
    }
}

}  // namespace fstack
