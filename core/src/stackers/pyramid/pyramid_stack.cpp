// SPDX-License-Identifier: GPL-3.0-or-later
// PyramidStack: Laplacian-pyramid fusion with cross-scale and consistency passes, and its table.
#include "fstack/pyramid_stack.hpp"

#include <cstring>
#include <functional>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/kernels/image/channels.hpp"
#include "fstack/kernels/stackers/pyramid/select.hpp"
#include "stackers/float_frame.hpp"
#include "stackers/median_map.hpp"
#include "stackers/pyramid/pyramid.hpp"

namespace fstack {
namespace {

// Local energy of a band: squared coefficients summed over channels, averaged over a
// kernel_size window (the seed's region energy).
cv::Mat band_energy(const cv::Mat& band, int kernel_size) {
    cv::Mat sq(band.size(), CV_32F);  // in one sweep (a squared copy of every channel was a frame's worth)
    cv::parallel_for_(cv::Range(0, band.rows), [&](const cv::Range& rows) {
        kernels::with_channels(band.channels(), [&](auto channels) {
            const int cn = channels() ? channels() : band.channels();
            for (int y = rows.start; y < rows.end; ++y) {
                const float* b = band.ptr<float>(y);
                float* s = sq.ptr<float>(y);
                for (int x = 0; x < band.cols; ++x) {
                    float acc = 0.0f;
                    for (int c = 0; c < cn; ++c) acc += b[x * cn + c] * b[x * cn + c];
                    s[x] = acc;
                }
            }
        });
    });
    cv::Mat e;
    const int k = std::max(1, kernel_size | 1);
    cv::GaussianBlur(sq, e, cv::Size(k, k), 0, 0, cv::BORDER_REFLECT101);
    return e;
}

// Local standard deviation of the luma, for the base-level weights.
cv::Mat local_deviation(const cv::Mat& base, int kernel_size) {
    const cv::Mat y = float_luma(base);
    const int k = std::max(3, kernel_size | 1);
    cv::Mat mean, mean_sq, sq;
    cv::blur(y, mean, cv::Size(k, k), cv::Point(-1, -1), cv::BORDER_REFLECT101);
    cv::multiply(y, y, sq);
    cv::blur(sq, mean_sq, cv::Size(k, k), cv::Point(-1, -1), cv::BORDER_REFLECT101);
    cv::Mat var = mean_sq - mean.mul(mean);
    cv::max(var, 0, var);
    cv::Mat dev;
    cv::sqrt(var, dev);
    return dev;
}

}  // namespace

const ParamTable<PyramidStackOptions>& pyramid_stack_params() {
    using T = ParamTable<PyramidStackOptions>;
    using O = PyramidStackOptions;
    static const T table({
        T::member(&O::pyramid_min_size, {"pyramid_min_size", "Pyramid _min size",
                                        "Short side in pixels of the coarsest pyramid level", {}, 4, 65536}),
        T::member(&O::kernel_size, {"kernel_size", "_Kernel size",
                                   "Window of the local energy that picks each coefficient", {}, 1, 99}),
        T::member(&O::gen_kernel, {"gen_kernel", "_Generating kernel",
                                  "Parameter a of the 5-tap generating kernel [1/4-a/2, 1/4, a, 1/4, 1/4-a/2]",
                                  {}, 0, 0.5, true, true}),
        T::member(&O::cross_scale, {"cross_scale", "_Cross-scale decision",
                                   "Coarse levels also weigh the finer levels' energy, and the base level is "
                                   "chosen by it (off: the seed's per-level rule and averaged base; more halos "
                                   "at depth edges)"}),
        T::member(&O::consistency, {"consistency", "C_onsistency pass",
                                   "Second pass that cleans the per-level choices with a median (off: one "
                                   "pass, about half the time, more speckle and ringing)"}),
    });
    return table;
}

PyramidStack::PyramidStack(PyramidStackOptions options) : options_(options) {
    pyramid_stack_params().check(options_);
}

PyramidStack::PyramidStack(int pyramid_min_size, int kernel_size, double gen_kernel)
    : PyramidStack(PyramidStackOptions{pyramid_min_size, kernel_size, gen_kernel, true, true}) {}

std::unique_ptr<Stacker> PyramidStack::clone() const { return std::make_unique<PyramidStack>(options_); }

void PyramidStack::begin(int frame_count) {
    Stacker::begin(frame_count);
    fused_.clear();
    energy_.clear();
    choice_.clear();
    changed_.clear();
    changed_at_.clear();
    base_sum_.release();
    base_weight_.release();
}

void PyramidStack::begin_pass(int pass) {
    Stacker::begin_pass(pass);
    if (pass != 1) return;
    energy_.clear();  // pass 2 needs only the choices
    changed_.assign(choice_.size(), {});
    changed_at_.assign(choice_.size(), {});
    // The averaged base is not chosen: its choice map is never read.
    const size_t chosen_levels = base_sum_.empty() ? choice_.size() : choice_.size() - 1;
    for (size_t l = 0; l < choice_.size(); ++l) {
        const cv::Mat raw = choice_[l];
        CV_Assert(raw.isContinuous());
        const bool chosen = l < chosen_levels;
        const int h = raw.rows, w = raw.cols;
        const size_t frames = static_cast<size_t>(frame_count_);
        cv::Mat cleaned;
        std::vector<std::vector<std::uint32_t>> counts;
        median_map(raw, cleaned, 5, frame_count_ <= 256, [&](int bands) { counts.resize(size_t(bands)); },
                [&](int b, const cv::Range& rows) {
                    if (!chosen) return;
                    std::vector<std::uint32_t>& count = counts[size_t(b)];
                    count.assign(frames, 0);
                    const unsigned short* after = cleaned.ptr<unsigned short>(rows.start);
                    const unsigned short* before = raw.ptr<unsigned short>(rows.start);
                    const size_t n = size_t(rows.end - rows.start) * size_t(w);
                    for (size_t i = 0; i < n; ++i)
                        if (after[i] != before[i]) ++count[after[i]];
                });
        const int bands = static_cast<int>(counts.size());
        const auto band_rows = [&](int b) { return median_band(b, bands, h); };
        choice_[l] = cleaned;
        if (!chosen) continue;  // the averaged base is not chosen: its choice map is never read
        // The changed pixels, grouped by the frame the cleaned map names (a counting sort): per
        // frame, band after band, each band's in its order, as one sweep over the level would.
        std::vector<std::uint32_t>& at = changed_at_[l];
        at.assign(frames + 1, 0);
        for (size_t f = 0; f < frames; ++f) {
            at[f + 1] = at[f];
            for (int b = 0; b < bands; ++b) at[f + 1] += counts[size_t(b)][f];
        }
        std::vector<std::vector<std::uint32_t>> next(static_cast<size_t>(bands));
        for (size_t f = 0; f < frames; ++f) {
            std::uint32_t offset = at[f];
            for (int b = 0; b < bands; ++b) {
                next[size_t(b)].resize(frames);
                next[size_t(b)][f] = offset;
                offset += counts[size_t(b)][f];
            }
        }
        changed_[l].resize(at.back());
        cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& r) {
            for (int b = r.start; b < r.end; ++b) {
                const cv::Range rows = band_rows(b);
                std::vector<std::uint32_t>& to = next[size_t(b)];
                const unsigned short* after = cleaned.ptr<unsigned short>();
                const unsigned short* before = raw.ptr<unsigned short>();
                const size_t first = size_t(rows.start) * size_t(w), last = size_t(rows.end) * size_t(w);
                for (size_t i = first; i < last; ++i)
                    if (after[i] != before[i]) changed_[l][to[after[i]]++] = static_cast<std::uint32_t>(i);
            }
        });
    }
}

// Pass 1: the frame's Laplacian pyramid (mats[0..L-1]) and per level its decision energy
// (mats[L..2L-1]; for the seed's averaged base, the base's weight instead). Pass 2: its
// Gaussian pyramid, from which merge computes the bands it needs.
Stacker::FrameWork PyramidStack::prepare(const cv::Mat& frame, int) const {
    // 8- and 16-bit frames go in as they are (the kernel reads them on the 0..1 scale).
    const cv::Mat f = frame.depth() == CV_8U || frame.depth() == CV_16U ? frame : to_float(frame);
    check_cancel();
    const int levels = pyramid_levels(f.size(), options_.pyramid_min_size);
    const PyramidKernel kernel(options_.gen_kernel);
    FrameWork work;
    if (pass_ != 0) {
        work.mats = kernel.gaussian(f, levels, [this] { check_cancel(); });
        return work;
    }
    work.mats = kernel.laplacian(f, levels, [this] { check_cancel(); });
    check_cancel();
    const int bands = levels - 1;
    cv::Mat carried;  // decision energy of the finer level
    for (int l = 0; l <= bands; ++l) {
        const cv::Mat& level = work.mats[static_cast<size_t>(l)];
        const bool base = l == bands;
        if (base && averaged_base(levels)) {  // seed's rule, or no bands
            work.mats.push_back(local_deviation(level, options_.kernel_size) + 1e-3f);
            break;
        }
        cv::Mat e = base ? cv::Mat() : band_energy(level, options_.kernel_size);
        if (options_.cross_scale && !carried.empty()) {
            // Max-pool before reducing: a thin sharp edge must keep its weight at the coarser
            // level (an average would dilute it 4x per level).
            cv::Mat pooled;
            cv::dilate(carried, pooled, cv::Mat());
            cv::Mat down = kernel.reduce(pooled);
            if (down.size() != level.size()) cv::resize(down, down, level.size(), 0, 0, cv::INTER_LINEAR);
            if (e.empty()) e = down; else cv::add(e, down, e);
        }
        carried = e;
        work.mats.push_back(e);
        check_cancel();
    }
    return work;
}

bool PyramidStack::averaged_base(int levels) const { return !options_.cross_scale || levels == 1; }

double PyramidStack::work_bytes_per_pixel(int channels) const {
    // The pyramid (4/3 of the frame in float), its energies (4/3 of one float plane), the float
    // copy and the expand temporaries while it is built (measured: 38 MiB/MP more per frame in
    // flight for 8-bit RGB at 2000x1500; the estimate, with run_stacker's 10%, 47).
    return 4.0 * channels * (4.0 / 3.0) + 4.0 * (4.0 / 3.0) + 2 * 4.0 * channels;
}

void PyramidStack::merge(FrameWork& work, int index) {
    const std::vector<cv::Mat>& pyr = work.mats;
    const size_t levels = pass_ == 0 ? pyr.size() / 2 : pyr.size();
    channels_ = pyr.front().channels();
    if (fused_.empty()) {
        for (size_t l = 0; l < levels; ++l) {
            fused_.push_back(cv::Mat::zeros(pyr[l].size(), pyr[l].type()));
            energy_.push_back(cv::Mat(pyr[l].size(), CV_32F, cv::Scalar(-1.0f)));
            choice_.push_back(cv::Mat::zeros(pyr[l].size(), CV_16U));
        }
    }
    if (pass_ == 0) choose(pyr, levels, index);
    else take_chosen(pyr, index);
}

// Per level, each coefficient of the frame whose decision energy is the highest so far. Row
// bands of the level on OpenCV's threads: each coefficient's choice is its own.
void PyramidStack::choose(const std::vector<cv::Mat>& work, size_t levels, int index) {
    for (size_t l = 0; l < levels; ++l) {
        const cv::Mat& e = work[levels + l];
        if (l + 1 == levels && averaged_base(static_cast<int>(levels))) {
            average_base(work[l], e);
            break;
        }
        CV_Assert(e.isContinuous() && work[l].isContinuous());
        const int n = static_cast<int>(e.total());
        const float* energy = e.ptr<float>();
        const float* coeff = work[l].ptr<float>();
        cv::parallel_for_(cv::Range(0, n), [&](const cv::Range& r) {
            kernels::cpu_select_max_energy(energy + r.start, coeff + size_t(r.start) * size_t(channels_),
                                           r.end - r.start, channels_, index, energy_[l].ptr<float>() + r.start,
                                           fused_[l].ptr<float>() + size_t(r.start) * size_t(channels_),
                                           choice_[l].ptr<unsigned short>() + r.start);
        }, 8);
        check_cancel();
    }
}

// Pass 2 with the frame's Gaussian pyramid: its band where the cleaned choice newly names it.
void PyramidStack::take_chosen(const std::vector<cv::Mat>& gauss, int index) {
    const PyramidKernel kernel(options_.gen_kernel);
    for (size_t l = 0; l < changed_.size(); ++l) {
        if (changed_at_[l].empty()) continue;  // the averaged base
        const std::uint32_t* pixels = changed_[l].data() + changed_at_[l][size_t(index)];
        const size_t count = changed_at_[l][size_t(index) + 1] - changed_at_[l][size_t(index)];
        if (count == 0) continue;
        if (l + 1 < gauss.size()) {
            kernel.band_at(gauss[l], gauss[l + 1], pixels, count, fused_[l]);
        } else {  // the chosen base: the coarsest Gaussian level itself
            CV_Assert(gauss[l].isContinuous() && fused_[l].isContinuous());
            const size_t bytes = gauss[l].elemSize();
            for (size_t i = 0; i < count; ++i)
                std::memcpy(fused_[l].data + size_t(pixels[i]) * bytes, gauss[l].data + size_t(pixels[i]) * bytes, bytes);
        }
        check_cancel();
    }
}

// The seed's base: contrast-weighted average of all frames.
void PyramidStack::average_base(const cv::Mat& base, const cv::Mat& w) {
    if (base_sum_.empty()) {
        base_sum_ = cv::Mat::zeros(base.size(), base.type());
        base_weight_ = cv::Mat::zeros(base.size(), CV_32F);
    }
    cv::Mat wc;
    if (channels_ > 1) cv::merge(std::vector<cv::Mat>(channels_, w), wc); else wc = w;
    base_sum_ += base.mul(wc);
    base_weight_ += w;
}

cv::Mat PyramidStack::finish() {
    if (fused_.empty()) throw Error(ErrorKind::Input, "no frames were added");
    std::vector<cv::Mat> pyr = fused_;
    if (!base_sum_.empty()) {
        cv::Mat wc;
        if (channels_ > 1) cv::merge(std::vector<cv::Mat>(channels_, base_weight_), wc); else wc = base_weight_;
        cv::divide(base_sum_, wc, pyr.back());
    }
    const cv::Mat fused = PyramidKernel(options_.gen_kernel).collapse(pyr);
    // The finest level's choice is the sharpest frame per pixel; a median makes it a usable map
    // where no frame has detail.
    median_map(choice_.front(), depth_map_, 5, frame_count_ <= 256);
    fused_.clear();
    energy_.clear();
    choice_.clear();
    changed_.clear();
    changed_at_.clear();
    base_sum_.release();
    base_weight_.release();
    return from_float(fused, type_);
}

}  // namespace fstack
