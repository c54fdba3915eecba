// SPDX-License-Identifier: GPL-3.0-or-later
// DepthMapStack on an executor (CUDA, or the host one in the tests): kernels::DepthMapEngine as
// a Stacker (engine_stacker.hpp). The filters are OpenCV's, as the CPU path uses them
// (depthmap_stack.cpp); the median that cleans the depth map between the passes runs here on
// the host, once per stack, with the CPU path's own function.
#include <climits>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/kernels/image/filters.hpp"
#include "fstack/kernels/stackers/depthmap/engine.hpp"
#include "fstack/kernels/stackers/depthmap/select.hpp"
#include "stackers/depthmap/depthmap_rules.hpp"
#include "stackers/engine_stacker.hpp"

namespace fstack {
namespace {

// The engine's filters for `o`, or nothing where one is longer than the engine takes (then
// the stacker stays on the CPU).
std::optional<kernels::DepthMapParams> engine_params(const DepthMapStackOptions& o) {
    kernels::DepthMapParams p;
    p.average = o.map_type == MapType::Average;
    p.sobel = o.energy == EnergyType::Sobel;
    cv::Mat d, s;
    if (p.sobel) {
        cv::getDerivKernels(d, s, 1, 0, o.kernel_size == 1 ? 3 : o.kernel_size, false, CV_32F);
    } else if (o.kernel_size == 1) {
        // cv::Laplacian's 3x3 aperture [0 1 0; 1 -4 1; 0 1 0]: d2/dx2 + d2/dy2, no smoothing.
        d = (cv::Mat_<float>(3, 1) << 1, -2, 1);
        s = (cv::Mat_<float>(1, 1) << 1);
    } else {
        cv::getDerivKernels(d, s, 2, 0, o.kernel_size, false, CV_32F);
    }
    p.deriv = taps_of(d);
    p.smooth = taps_of(s);
    if (o.blur_size > 1) p.blur = taps_of(cv::getGaussianKernel(blur_window(o.blur_size), 0, CV_32F));
    const double sigma = weight_sigma(o.smooth_size);
    if (!p.average && sigma > 0) {
        if (sigma <= kernels::kWeightBoxFromSigma)
            p.weight_gauss = taps_of(cv::getGaussianKernel(int(std::lround(sigma * 8 + 1)) | 1, sigma, CV_32F));  // GaussianBlur's size
        else
            p.weight_box_sigma = sigma;
    }
    const auto fits = [](const std::vector<float>& t) { return int(t.size()) <= kernels::kMaxTaps; };
    if (!fits(p.deriv) || !fits(p.smooth) || !fits(p.blur) || !fits(p.weight_gauss) ||
        (p.weight_box_sigma > 0 && kernels::weight_box_size(p.weight_box_sigma, INT_MAX / 4) > kernels::kMaxTaps))
        return std::nullopt;
    return p;
}

class EngineDepthMapStack final : public EngineStacker<kernels::DepthMapEngine> {
public:
    EngineDepthMapStack(DepthMapStackOptions options, int device, const kernels::DepthMapParams& params)
        : EngineStacker(make_engine(device, params, &kernels::make_host_depthmap_engine,
                                    &kernels::make_cuda_depthmap_engine),
                        "depthmap"),
          options_(options), device_(device), params_(params) {}
    int passes() const override { return options_.map_type == MapType::Max ? 2 : 1; }
    std::unique_ptr<Stacker> clone() const override {
        return std::make_unique<EngineDepthMapStack>(options_, device_, params_);
    }

private:
    // MAP_MAX: the argmax map cleaned by the CPU path's median, back on the executor, and the
    // frames it still names (the others add nothing to the blend: they are skipped).
    void between_passes(int) override {
        cv::Mat index(size_, CV_16U);
        engine_->depth_index(index.ptr<unsigned short>());
        index = clean_depth_map(index, options_.smooth_size, frame_count_);
        if (!index.isContinuous()) index = index.clone();
        engine_->set_depth_index(index.ptr<unsigned short>());
        named_ = frames_named(index, frame_count_);
    }
    bool skips(int index) const override {
        return pass_ == 1 && size_t(index) < named_.size() && !named_[size_t(index)];
    }

    DepthMapStackOptions options_;
    int device_;
    kernels::DepthMapParams params_;
    std::vector<bool> named_;
};

}  // namespace

std::unique_ptr<Stacker> make_depthmap_engine_stack(const DepthMapStackOptions& options, int cuda_device) {
    const std::optional<kernels::DepthMapParams> params = engine_params(options);
    if (!params) return nullptr;
    return std::make_unique<EngineDepthMapStack>(options, cuda_device, *params);
}

std::unique_ptr<Stacker> DepthMapStack::for_device(const Device& device) const {
    if (!device.cuda()) return nullptr;
    return make_depthmap_engine_stack(options_, device.index);
}

}  // namespace fstack
