// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// PyramidStack's rules (core/src/stackers/pyramid/pyramid_stack.cpp) on an executor: the host
// one (exec/host_exec.hpp) in the tests, CUDA's (exec/cuda_exec.cuh) for --device cuda. One
// copy of the pipeline for both; the per-pixel maths are the functors of image/filters.hpp and
// pyramid/select.hpp. Included by engine_host.cpp and engine_cuda.cu only.
#include <stdexcept>
#include <utility>
#include <vector>

#include "fstack/kernels/exec/buffers.hpp"
#include "fstack/kernels/image/filters.hpp"
#include "fstack/kernels/stackers/pyramid/engine.hpp"
#include "fstack/kernels/stackers/pyramid/select.hpp"

namespace fstack::kernels {

template <class Exec> class PyramidFusion final : public PyramidEngine {
public:
    template <class... A>
    explicit PyramidFusion(PyramidParams params, A&&... exec_args)
        : exec_(std::forward<A>(exec_args)...), buffers_(exec_), p_(std::move(params)) {
        generating_kernel(p_.gen_kernel, gen_);
        energy_ = make_taps(p_.energy_taps, "pyramid engine");
        box_ = make_taps(p_.box_taps, "pyramid engine");
    }
    ~PyramidFusion() override { release_all(); }

    void begin(int width, int height, int channels, int depth) override {
        release_all();
        cn_ = channels;
        depth_ = depth;
        const int levels = pyramid_level_count(width, height, p_.min_size);
        size_.clear();
        int w = width, h = height;
        for (int l = 0; l < levels; ++l) {
            size_.push_back({w, h});
            w = (w + 1) / 2;
            h = (h + 1) / 2;
        }
        const size_t px = size_t(width) * size_t(height);
        raw_ = buffer(px * size_t(cn_) * (depth_ == 16 ? 2 : 1));
        for (int l = 0; l < levels; ++l) {
            const size_t n = size_t(size_[l].w) * size_[l].h;
            gauss_.push_back(buffer(n * cn_ * sizeof(float)));
            fused_.push_back(buffer(n * cn_ * sizeof(float)));
            best_.push_back(buffer(n * sizeof(float)));
            choice_.push_back(buffer(n * sizeof(unsigned short)));
            exec_.run(size_[l].w, size_[l].h, FillPlane{f(best_[l]), size_[l].w, -1.0f});
            exec_.run(size_[l].w, size_[l].h, ZeroIndex{u(choice_[l]), size_[l].w});
        }
        band_ = buffer(px * cn_ * sizeof(float));
        tmp_ = buffer(px * size_t(cn_ > 2 ? cn_ : 2) * sizeof(float));  // also the luma and its square
        for (auto& b : plane_) b = buffer(px * sizeof(float));
        if (averaged_base()) {
            const size_t n = size_t(size_.back().w) * size_.back().h;
            base_sum_ = buffer(n * cn_ * sizeof(float));
            base_weight_ = buffer(n * sizeof(float));
            exec_.run(size_.back().w * cn_, size_.back().h, FillPlane{f(base_sum_), size_.back().w * cn_, 0.0f});
            exec_.run(size_.back().w, size_.back().h, FillPlane{f(base_weight_), size_.back().w, 0.0f});
        }
        pass_ = 0;
    }

    void begin_pass(int pass) override {
        pass_ = pass;
        if (pass != 1) return;
        for (size_t l = 0; l < size_.size(); ++l) {  // the consistency rule: 5x5 median of the choices
            const auto [w, h] = size_[l];
            exec_.copy(plane_[0].p, choice_[l].p, size_t(w) * h * sizeof(unsigned short));
            exec_.run(w, h, Median5{u(plane_[0]), u(choice_[l]), w, h});
        }
    }

    void add(const void* data, size_t step, int index) override {
        const auto [w, h] = size_[0];
        exec_.upload_frame(raw_.p, data, step, size_t(w) * cn_ * (depth_ == 16 ? 2 : 1), h);
        if (depth_ == 16)
            exec_.run(w, h, ToFloat<unsigned short>{u(raw_), long(w) * cn_, f(gauss_[0]), w, cn_, 1.0f / 65535.0f});
        else
            exec_.run(w, h, ToFloat<unsigned char>{static_cast<const unsigned char*>(raw_.p), long(w) * cn_,
                                                   f(gauss_[0]), w, cn_, 1.0f / 255.0f});
        const int levels = int(size_.size());
        // Level by level: the band (into band_), then its decision energy and the selection, so
        // that only one band and two energy planes are held beside the Gaussian pyramid.
        float* carried = nullptr;
        for (int l = 0; l < levels; ++l) {
            const bool base = l + 1 == levels;
            const auto [lw, lh] = size_[l];
            const float* level = f(gauss_[l]);
            if (!base) {
                reduce(f(gauss_[l]), lw, lh, cn_, f(gauss_[l + 1]));
                expand(f(gauss_[l + 1]), l, f(gauss_[l]), -1.0f, f(band_));  // band = G_l - expand
                level = f(band_);
            }
            if (pass_ == 1) {
                if (!base || !averaged_base())
                    exec_.run(lw, lh, TakeChosen{level, u(choice_[l]), f(fused_[l]), lw, cn_, index});
                continue;
            }
            if (base && averaged_base()) {
                deviation(level, lw, lh, f(plane_[2]));
                exec_.run(lw, lh, AccumulateFrame{level, f(plane_[2]), f(base_sum_), f(base_weight_), lw, cn_, 0.0f});
                break;
            }
            float* e = f(plane_[l & 1]);  // this level's decision energy; the other holds the finer one
            if (!base) band_energy(level, lw, lh, e);
            if (p_.cross_scale && carried) {
                // Max-pool the finer level's energy, then reduce it to this level.
                const auto [fw, fh] = size_[l - 1];
                exec_.run(fw, fh, Dilate3{carried, f(plane_[2]), fw, fh});
                reduce(f(plane_[2]), fw, fh, 1, base ? e : f(plane_[3]));
                if (!base) exec_.run(lw, lh, AddPlane{f(plane_[3]), e, lw});
            }
            carried = e;
            exec_.run(lw, lh, SelectLevel{e, level, f(best_[l]), f(fused_[l]), u(choice_[l]), lw, cn_, index});
        }
    }

    void finish(void* image, unsigned short* depth_map) override {
        const int levels = int(size_.size());
        const auto [bw, bh] = size_.back();
        if (averaged_base()) exec_.run(bw, bh, DivideBase{f(base_sum_), f(base_weight_), f(fused_.back()), bw, cn_});
        // Collapse: from the base up, expand and add the fused band (into gauss_, free now).
        exec_.copy(gauss_.back().p, fused_.back().p, size_t(bw) * bh * cn_ * sizeof(float));
        for (int l = levels - 2; l >= 0; --l) expand(f(gauss_[l + 1]), l, f(fused_[l]), 1.0f, f(gauss_[l]));
        const auto [w, h] = size_[0];
        if (depth_ == 16) exec_.run(w, h, FromFloat<unsigned short>{f(gauss_[0]), u(raw_), w, cn_, 65535.0f});
        else exec_.run(w, h, FromFloat<unsigned char>{f(gauss_[0]), static_cast<unsigned char*>(raw_.p), w, cn_, 255.0f});
        exec_.run(w, h, Median5{u(choice_[0]), u(plane_[0]), w, h});
        exec_.download(image, raw_.p, size_t(w) * h * cn_ * (depth_ == 16 ? 2 : 1));
        exec_.download(depth_map, plane_[0].p, size_t(w) * h * sizeof(unsigned short));
        exec_.sync();
    }

    size_t peak_bytes() const override { return exec_.peak_bytes(); }
    std::string executor() const override { return exec_.name(); }

private:
    struct Size { int w, h; };

    Buffer buffer(size_t bytes) { return buffers_.get(bytes); }
    void release_all() {
        buffers_.release_all();
        gauss_.clear();
        fused_.clear();
        best_.clear();
        choice_.clear();
        raw_ = band_ = tmp_ = base_sum_ = base_weight_ = Buffer{};
        for (auto& b : plane_) b = Buffer{};
    }
    static float* f(const Buffer& b) { return b.f(); }
    static unsigned short* u(const Buffer& b) { return b.u(); }
    bool averaged_base() const { return !p_.cross_scale || size_.size() == 1; }

    // Every other sample of the blurred w x h image of `channels` channels (G_{l+1} from G_l;
    // one plane for the carried energy).
    void reduce(const float* src, int w, int h, int channels, float* dst) {
        const int hw = (w + 1) / 2, hh = (h + 1) / 2;
        ReduceRows rows{src, f(tmp_), w, channels, {}};
        ReduceCols cols{f(tmp_), dst, hw, h, channels, {}};
        for (int i = 0; i < 5; ++i) rows.w[i] = cols.w[i] = gen_[i];
        exec_.run(hw, h, rows);
        exec_.run(hw, hh, cols);
    }
    // dst = other + sign * expand(small) at level l's size (the band: sign -1 with the Gaussian
    // level; the collapse: +1 with the fused band, both as the CPU path writes them).
    void expand(const float* small, int l, const float* other, float sign, float* dst) {
        const auto [w, h] = size_[l];
        const auto [sw, sh] = size_[l + 1];
        ExpandRows rows{small, f(tmp_), sw, w, cn_, {}};
        ExpandCols cols{f(tmp_), other, dst, w, h, cn_, {}, 1.0f, sign};
        for (int i = 0; i < 5; ++i) rows.w[i] = cols.w[i] = gen_[i];
        exec_.run(w, sh, rows);
        exec_.run(w, h, cols);
    }
    // Squares summed over the channels, through the Gaussian window.
    void band_energy(const float* band, int w, int h, float* e) {
        exec_.run(w, h, SquareSum{band, f(plane_[2]), w, cn_});
        exec_.run(w, h, SeparablePass<true>{f(plane_[2]), f(plane_[3]), w, h, energy_});
        exec_.run(w, h, SeparablePass<false>{f(plane_[3]), e, w, h, energy_});
    }
    // Local standard deviation of the luma + 1e-3 (the averaged base's weight).
    void deviation(const float* level, int w, int h, float* dst) {
        float* luma = f(tmp_);
        float* sq = luma + size_t(w) * h;
        float* mean = f(plane_[0]);
        float* mean_sq = f(plane_[1]);
        float* scratch = f(band_);
        exec_.run(w, h, LumaAndSquare{level, luma, sq, w, cn_});
        exec_.run(w, h, SeparablePass<true>{luma, scratch, w, h, box_});
        exec_.run(w, h, SeparablePass<false>{scratch, mean, w, h, box_});
        exec_.run(w, h, SeparablePass<true>{sq, scratch, w, h, box_});
        exec_.run(w, h, SeparablePass<false>{scratch, mean_sq, w, h, box_});
        exec_.run(w, h, Deviation{mean, mean_sq, dst, w, 1e-3f});
    }

    Exec exec_;
    Buffers<Exec> buffers_;
    PyramidParams p_;
    float gen_[5] = {};
    Taps energy_, box_;
    int cn_ = 0, depth_ = 8, pass_ = 0;
    std::vector<Size> size_;
    std::vector<Buffer> gauss_, fused_, best_, choice_;
    Buffer raw_, band_, tmp_, base_sum_, base_weight_;
    Buffer plane_[4];
};

}  // namespace fstack::kernels
