// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// DepthMapStack's rules (core/src/stackers/depthmap/depthmap_stack.cpp) on an executor: the
// host one in the tests, CUDA's for --device cuda. Per frame: to float, luma, the focus energy
// (|Laplacian| or the Sobel magnitude, OpenCV's separable kernels, given by the caller), its
// blur, then MAP_MAX's argmax (pass 1) and blend by the smoothed one-hot weights (pass 2), or
// MAP_AVERAGE's energy-weighted sum (one pass). With variance_radius, FocusStacker's rules
// (core/src/stackers/focusmeasure/focus_stacker.cpp): its supersampled local variance of the
// Laplacian as the energy, the same argmax and blend. Included by engine_host.cpp and
// engine_cuda.cu.
#include <stdexcept>
#include <utility>
#include <vector>

#include "fstack/kernels/exec/buffers.hpp"
#include "fstack/kernels/image/filters.hpp"
#include "fstack/kernels/stackers/depthmap/engine.hpp"
#include "fstack/kernels/stackers/depthmap/select.hpp"

namespace fstack::kernels {

template <class Exec> class DepthMapFusion final : public DepthMapEngine {
public:
    template <class... A>
    explicit DepthMapFusion(DepthMapParams params, A&&... exec_args)
        : exec_(std::forward<A>(exec_args)...), buffers_(exec_), p_(std::move(params)) {
        deriv_ = make_taps(p_.deriv, "depth-map engine");
        smooth_ = make_taps(p_.smooth, "depth-map engine");
        if (!p_.blur.empty()) blur_ = make_taps(p_.blur, "depth-map engine");
        if (!p_.weight_gauss.empty()) weight_ = make_taps(p_.weight_gauss, "depth-map engine");
        if (p_.variance_radius > 0) {
            const int n = 2 * p_.variance_radius + 1;
            box_ = make_taps(std::vector<float>(size_t(n), 1.0f / float(n)), "focus-measure engine");
            if (p_.scale < 1 || p_.scale > 4) throw std::invalid_argument("focus-measure engine: scale 1 to 4");
        }
    }
    ~DepthMapFusion() override { buffers_.release_all(); }

    void begin(int width, int height, int channels, int depth) override {
        buffers_.release_all();
        w_ = width;
        h_ = height;
        cn_ = channels;
        depth_ = depth;
        const size_t px = size_t(width) * size_t(height);
        raw_ = buffers_.get(px * size_t(cn_) * (depth_ == 16 ? 2 : 1));
        frame_ = buffers_.get(px * cn_ * sizeof(float));
        sum_ = buffers_.get(px * cn_ * sizeof(float));
        weight_sum_ = buffers_.get(px * sizeof(float));
        best_ = buffers_.get(px * sizeof(float));
        index_ = buffers_.get(px * sizeof(unsigned short));
        for (Buffer& b : plane_) b = buffers_.get(px * sizeof(float));
        if (p_.variance_radius > 0)  // the supersampled planes of the focus measure
            for (Buffer& b : big_) b = buffers_.get(px * size_t(p_.scale * p_.scale) * sizeof(float));
        exec_.run(w_ * cn_, h_, FillPlane{sum_.f(), w_ * cn_, 0.0f});
        exec_.run(w_, h_, FillPlane{weight_sum_.f(), w_, 0.0f});
        exec_.run(w_, h_, FillPlane{best_.f(), w_, -1.0f});
        exec_.run(w_, h_, ZeroIndex{index_.u(), w_});
        if (p_.weight_box_sigma > 0) {
            const int n = weight_box_size(p_.weight_box_sigma, width > height ? width : height);
            weight_ = make_taps(std::vector<float>(size_t(n), 1.0f / float(n)), "depth-map engine");
        }
        pass_ = 0;
    }

    void begin_pass(int pass) override { pass_ = pass; }

    void add(const void* data, size_t step, int index) override {
        exec_.upload_frame(raw_.p, data, step, size_t(w_) * cn_ * (depth_ == 16 ? 2 : 1), h_);
        if (depth_ == 16)
            exec_.run(w_, h_, ToFloat<unsigned short>{raw_.u(), long(w_) * cn_, frame_.f(), w_, cn_, 1.0f / 65535.0f});
        else
            exec_.run(w_, h_, ToFloat<unsigned char>{static_cast<const unsigned char*>(raw_.p), long(w_) * cn_,
                                                     frame_.f(), w_, cn_, 1.0f / 255.0f});
        float* weight = plane_[0].f();
        if (pass_ == 0) {
            energy(weight);
            if (p_.average)  // the energy (+1e-6, so that flat areas stay defined) is the weight
                exec_.run(w_, h_, AccumulateFrame{frame_.f(), weight, sum_.f(), weight_sum_.f(), w_, cn_, 1e-6f});
            exec_.run(w_, h_, SelectEnergy{weight, best_.f(), index_.u(), w_, index});
            return;
        }
        exec_.run(w_, h_, OneHot{index_.u(), weight, w_, index});
        if (weight_.count > 0) {
            const int rounds = p_.weight_gauss.empty() ? 3 : 1;
            for (int r = 0; r < rounds; ++r) separable(weight, weight_, weight_, weight);
        }
        exec_.run(w_, h_, AccumulateFrame{frame_.f(), weight, sum_.f(), weight_sum_.f(), w_, cn_, 0.0f});
    }

    void depth_index(unsigned short* host) override {
        exec_.download(host, index_.p, size_t(w_) * h_ * sizeof(unsigned short));
        exec_.sync();
    }
    void set_depth_index(const unsigned short* host) override {
        exec_.upload_frame(index_.p, host, size_t(w_) * sizeof(unsigned short), size_t(w_) * sizeof(unsigned short), h_);
    }

    void finish(void* image, unsigned short* depth_map) override {
        exec_.run(w_, h_, NormaliseFrame{sum_.f(), weight_sum_.f(), frame_.f(), w_, cn_});
        if (depth_ == 16) exec_.run(w_, h_, FromFloat<unsigned short>{frame_.f(), raw_.u(), w_, cn_, 65535.0f});
        else exec_.run(w_, h_, FromFloat<unsigned char>{frame_.f(), static_cast<unsigned char*>(raw_.p), w_, cn_, 255.0f});
        exec_.download(image, raw_.p, size_t(w_) * h_ * cn_ * (depth_ == 16 ? 2 : 1));
        exec_.download(depth_map, index_.p, size_t(w_) * h_ * sizeof(unsigned short));
        exec_.sync();
    }

    size_t peak_bytes() const override { return exec_.peak_bytes(); }
    std::string executor() const override { return exec_.name(); }

private:
    // dst = src through `along_x` on the rows, then `along_y` on the columns (cv::sepFilter2D,
    // BORDER_REFLECT_101) of a width x height plane, by way of `scratch`; dst may be src.
    void separable(const float* src, const Taps& along_x, const Taps& along_y, float* dst, int width, int height,
                   float* scratch) {
        exec_.run(width, height, SeparablePass<true>{src, scratch, width, height, along_x});
        exec_.run(width, height, SeparablePass<false>{scratch, dst, width, height, along_y});
    }
    // The same on a frame-sized plane, by way of plane_[3].
    void separable(const float* src, const Taps& along_x, const Taps& along_y, float* dst) {
        separable(src, along_x, along_y, dst, w_, h_, plane_[3].f());
    }
    // FocusStacker's measure into e (plane_[0]), as FocusStacker::focus_measure computes it: the
    // luma supersampled (cubic), the local variance of its 3x3 Laplacian over the box, blurred,
    // area-averaged back. big_[0..3] are the supersampled planes; plane_[1] holds the luma.
    void variance_energy(float* e) {
        const int s = p_.scale, W = w_ * s, H = h_ * s;
        float* a = big_[0].f();
        float* b = big_[1].f();
        float* c = big_[2].f();
        float* t = big_[3].f();
        if (s > 1) {
            float* luma = plane_[1].f();
            exec_.run(w_, h_, LumaPlane{frame_.f(), luma, w_, cn_});
            exec_.run(W, h_, UpsampleCubic<true>{luma, t, w_, h_, s});
            exec_.run(W, H, UpsampleCubic<false>{t, a, W, h_, s});
        } else {
            exec_.run(w_, h_, LumaPlane{frame_.f(), a, w_, cn_});
        }
        separable(a, deriv_, smooth_, b, W, H, t);  // d2/dx2
        separable(a, smooth_, deriv_, c, W, H, t);  // d2/dy2
        exec_.run(W, H, AddPlane{c, b, W});
        exec_.run(W, H, SquareSum{b, a, W, 1});
        separable(b, box_, box_, b, W, H, t);  // the box mean of the Laplacian
        separable(a, box_, box_, a, W, H, t);  // and of its square
        exec_.run(W, H, LocalVariance{b, a, b, W});
        if (blur_.count > 0) separable(b, blur_, blur_, b, W, H, t);
        exec_.run(w_, h_, AreaDown{b, e, w_, s});
    }
    // The frame's blurred focus energy into e (plane_[0]); plane_[1..3] are scratch.
    void energy(float* e) {
        if (p_.variance_radius > 0) {
            variance_energy(e);
            return;
        }
        float* luma = plane_[1].f();
        float* other = plane_[2].f();
        exec_.run(w_, h_, LumaPlane{frame_.f(), luma, w_, cn_});
        separable(luma, deriv_, smooth_, e);      // d/dx
        separable(luma, smooth_, deriv_, other);  // d/dy
        if (p_.sobel) {
            exec_.run(w_, h_, Magnitude{e, other, w_});
        } else {
            exec_.run(w_, h_, AddPlane{other, e, w_});
            exec_.run(w_, h_, AbsPlane{e, w_});
        }
        if (blur_.count > 0) separable(e, blur_, blur_, e);
    }

    Exec exec_;
    Buffers<Exec> buffers_;
    DepthMapParams p_;
    Taps deriv_, smooth_, blur_, weight_, box_;
    int w_ = 0, h_ = 0, cn_ = 0, depth_ = 8, pass_ = 0;
    Buffer raw_, frame_, sum_, weight_sum_, best_, index_;
    Buffer plane_[4];
    Buffer big_[4];
};

}  // namespace fstack::kernels
