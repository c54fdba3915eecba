// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A stacker's GPU pipeline (a kernels engine: begin, begin_pass, add, finish, peak_bytes,
// executor) as a Stacker: on a CUDA device, or on the host executor, which runs the same
// pipeline pixel by pixel on the CPU (the tests check the GPU path's logic with it).
// prepare() keeps the decoded frame (decoding runs on run_stacker's threads); merge() uploads
// it, in order, and the engine does the rest on its executor.
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/error.hpp"
#include "fstack/progress.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// The engine on `device` (-1: the host executor); Error(Usage) naming the device where it
// cannot be used, or where fstack was built without CUDA.
template <class E, class P>
std::unique_ptr<E> make_engine(int device, const P& params, std::unique_ptr<E> (*host)(const P&),
                               std::unique_ptr<E> (*cuda)(const P&, int)) {
    std::unique_ptr<E> engine;
    try {
        engine = device < 0 ? host(params) : cuda(params, device);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::Usage, "--device cuda:" + std::to_string(device) + ": " + e.what());
    }
    if (!engine) throw Error(ErrorKind::Usage, "--device cuda: fstack was built without CUDA");
    return engine;
}

// The coefficients of an OpenCV kernel (cv::getGaussianKernel, cv::getDerivKernels) for an
// engine's parameters.
inline std::vector<float> taps_of(const cv::Mat& k) {
    cv::Mat f;
    k.convertTo(f, CV_32F);
    return std::vector<float>(f.begin<float>(), f.end<float>());
}

// Per frame of `frame_count`: whether the depth map (CV_16U, continuous) names it anywhere. The
// second pass skips the frames it does not name: they add nothing to the blend.
inline std::vector<bool> frames_named(const cv::Mat& index, int frame_count) {
    std::vector<bool> named(size_t(frame_count), false);
    for (auto it = index.begin<unsigned short>(); it != index.end<unsigned short>(); ++it)
        if (*it < named.size()) named[*it] = true;
    return named;
}

template <class Engine> class EngineStacker : public Stacker {
public:
    EngineStacker(std::unique_ptr<Engine> engine, std::string name) : engine_(std::move(engine)), name_(std::move(name)) {}
    std::string name() const override { return name_; }
    void begin(int frame_count) override {
        Stacker::begin(frame_count);
        started_ = false;
    }
    void begin_pass(int pass) override {
        Stacker::begin_pass(pass);
        if (pass > 0 && started_) guarded([&] {
            between_passes(pass);
            engine_->begin_pass(pass);
        });
    }
    FrameWork prepare(const cv::Mat& frame, int) const override { return FrameWork{frame, {}}; }
    void merge(FrameWork& work, int index) override {
        const cv::Mat& f = work.frame;
        if (started_ && skips(index)) return;
        guarded([&] {
            if (!started_) {
                engine_->begin(f.cols, f.rows, f.channels(), f.depth() == CV_16U ? 16 : 8);
                started_ = true;
            }
            engine_->add(f.data, f.step, index);
        });
        check_cancel();
    }
    double work_bytes_per_pixel(int channels) const override { return 2.0 * channels; }
    cv::Mat finish() override {
        if (!started_) throw Error(ErrorKind::Input, "no frames were added");
        cv::Mat image(size_, type_);
        depth_map_.create(size_, CV_16U);
        guarded([&] { engine_->finish(image.data, depth_map_.ptr<unsigned short>()); });
        progress_->log(LogLevel::Debug, name_ + " on " + engine_->executor() + ": " +
                                            std::to_string(engine_->peak_bytes() >> 20) + " MiB of device memory at most");
        started_ = false;
        return image;
    }

protected:
    // Between the passes, before the engine's begin_pass (the depth map's median, on the host).
    virtual void between_passes(int /*pass*/) {}
    // True for a frame of the current pass that the engine need not see.
    virtual bool skips(int /*index*/) const { return false; }

    template <class F> void guarded(F&& f) {
        try {
            f();
        } catch (const Error&) {
            throw;
        } catch (const std::bad_alloc&) {
            throw Error(ErrorKind::Internal, "out of memory on " + engine_->executor());
        } catch (const std::exception& e) {
            throw Error(ErrorKind::Internal, e.what());
        }
    }

    std::unique_ptr<Engine> engine_;
    std::string name_;
    bool started_ = false;
};

}  // namespace fstack
