// SPDX-License-Identifier: GPL-3.0-or-later
// FocusStacker on an executor (CUDA, or the host one in the tests): the depth-map engine
// (kernels/.../depthmap/fusion.hpp) with FocusStacker's focus measure as its energy, as a
// Stacker (engine_stacker.hpp). The filters are OpenCV's, as focus_stacker.cpp uses them: the
// 3x3 Laplacian (cv::Laplacian's ksize 3), the normalised box of 2 radius + 1, the Gaussians of
// cv::GaussianBlur(sigma) on float planes. No median between the passes (the CPU path has none).
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "fstack/focus_stacker.hpp"
#include "fstack/kernels/stackers/depthmap/engine.hpp"
#include "stackers/engine_stacker.hpp"

namespace fstack {
namespace {

// cv::GaussianBlur(Size(), sigma)'s kernel on a float plane.
std::vector<float> gaussian_taps(double sigma) {
    return taps_of(cv::getGaussianKernel(int(std::lround(sigma * 8 + 1)) | 1, sigma, CV_32F));
}

kernels::DepthMapParams engine_params(const FocusStackerOptions& o) {
    kernels::DepthMapParams p;
    cv::Mat d, s;
    cv::getDerivKernels(d, s, 2, 0, 3, false, CV_32F);  // cv::Laplacian(ksize 3): d2x + d2y
    p.deriv = taps_of(d);
    p.smooth = taps_of(s);
    p.variance_radius = o.radius;
    p.scale = o.scale_factor;
    p.blur = gaussian_taps(o.smoothing);                            // supersampled pixels
    p.weight_gauss = gaussian_taps(double(o.smoothing) / o.scale_factor);  // FocusStacker::blend_sigma
    return p;
}

class EngineFocusStacker final : public EngineStacker<kernels::DepthMapEngine> {
public:
    EngineFocusStacker(FocusStackerOptions options, int device)
        : EngineStacker(make_engine(device, engine_params(options), &kernels::make_host_depthmap_engine,
                                    &kernels::make_cuda_depthmap_engine),
                        "focusmeasure"),
          options_(options), device_(device) {}
    int passes() const override { return 2; }
    std::unique_ptr<Stacker> clone() const override { return std::make_unique<EngineFocusStacker>(options_, device_); }

private:
    // The frames the depth map names (the others add nothing to the blend: they are skipped).
    void between_passes(int) override {
        cv::Mat index(size_, CV_16U);
        engine_->depth_index(index.ptr<unsigned short>());
        named_ = frames_named(index, frame_count_);
    }
    bool skips(int index) const override {
        return pass_ == 1 && size_t(index) < named_.size() && !named_[size_t(index)];
    }

    FocusStackerOptions options_;
    int device_;
    std::vector<bool> named_;
};

}  // namespace

std::unique_ptr<Stacker> make_focusmeasure_engine_stack(const FocusStackerOptions& options, int cuda_device) {
    focus_stacker_params().check(options);
    return std::make_unique<EngineFocusStacker>(options, cuda_device);
}

std::unique_ptr<Stacker> FocusStacker::for_device(const Device& device) const {
    if (!device.cuda()) return nullptr;
    return make_focusmeasure_engine_stack(options_, device.index);
}

}  // namespace fstack
