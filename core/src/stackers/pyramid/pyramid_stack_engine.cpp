// SPDX-License-Identifier: GPL-3.0-or-later
// PyramidStack on an executor (CUDA, or the host one in the tests): a Stacker around
// kernels::PyramidEngine. prepare() keeps the decoded frame (decoding runs on run_stacker's
// threads); merge() uploads it, in order, and the engine does the rest on the device.
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/kernels/stackers/pyramid/engine.hpp"
#include "fstack/pyramid_stack.hpp"

namespace fstack {
namespace {

std::vector<float> column(const cv::Mat& k) {
    std::vector<float> v;
    for (int i = 0; i < int(k.total()); ++i) v.push_back(k.at<float>(i));
    return v;
}

// The same filters as the CPU path: OpenCV's Gaussian of the local energy, the box of the
// local deviation (pyramid_stack.cpp).
kernels::PyramidParams engine_params(const PyramidStackOptions& o) {
    kernels::PyramidParams p;
    p.min_size = o.pyramid_min_size;
    p.energy_taps = column(cv::getGaussianKernel(std::max(1, o.kernel_size | 1), 0, CV_32F));
    const int box = std::max(3, o.kernel_size | 1);
    p.box_taps.assign(size_t(box), 1.0f / float(box));
    p.gen_kernel = float(o.gen_kernel);
    p.cross_scale = o.cross_scale;
    p.consistency = o.consistency;
    return p;
}

class EnginePyramidStack final : public Stacker {
public:
    EnginePyramidStack(PyramidStackOptions options, int device) : options_(options), device_(device) {
        try {
            engine_ = device < 0 ? kernels::make_host_pyramid_engine(engine_params(options))
                                 : kernels::make_cuda_pyramid_engine(engine_params(options), device);
        } catch (const std::exception& e) {
            throw Error(ErrorKind::Usage, "--device cuda:" + std::to_string(device) + ": " + e.what());
        }
        if (!engine_) throw Error(ErrorKind::Usage, "--device cuda: fstack was built without CUDA");
    }
    std::string name() const override { return "pyramid"; }
    int passes() const override { return options_.consistency ? 2 : 1; }
    void begin(int frame_count) override {
        Stacker::begin(frame_count);
        started_ = false;
    }
    void begin_pass(int pass) override {
        Stacker::begin_pass(pass);
        if (pass > 0) guarded([&] { engine_->begin_pass(pass); });
    }
    FrameWork prepare(const cv::Mat& frame, int) const override { return FrameWork{frame, {}}; }
    void merge(FrameWork& work, int index) override {
        const cv::Mat& f = work.frame;
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
        progress_->log(LogLevel::Debug, "pyramid on " + engine_->executor() + ": " +
                                            std::to_string(engine_->peak_bytes() >> 20) + " MiB of device memory at most");
        started_ = false;
        return image;
    }
    std::unique_ptr<Stacker> clone() const override {
        return std::make_unique<EnginePyramidStack>(options_, device_);
    }

private:
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

    PyramidStackOptions options_;
    int device_;
    std::unique_ptr<kernels::PyramidEngine> engine_;
    bool started_ = false;
};

}  // namespace

std::unique_ptr<Stacker> make_pyramid_engine_stack(const PyramidStackOptions& options, int cuda_device) {
    return std::make_unique<EnginePyramidStack>(options, cuda_device);
}

std::unique_ptr<Stacker> PyramidStack::for_device(const Device& device) const {
    if (!device.cuda()) return nullptr;
    return make_pyramid_engine_stack(options_, device.index);
}

}  // namespace fstack
