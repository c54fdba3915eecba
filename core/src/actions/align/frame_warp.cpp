// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/align/frame_warp.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/kernels/image/filters.hpp"

namespace fstack {

namespace {

bool is_affine(const cv::Matx33d& m) {
    return std::abs(m(2, 0)) < 1e-12 && std::abs(m(2, 1)) < 1e-12 && std::abs(m(2, 2) - 1) < 1e-12;
}

int floor_int(double v) {
    const int i = static_cast<int>(v);
    return i - (v < i);
}

// Splits [first, last] into runs where floor(slope * u + offset) is constant, and calls
// run(u_start, n, i, t0): over the run, the position past the integer i is t0 + slope * k.
template <typename Run>
void constant_floor_runs(int first, int last, double slope, double offset, Run&& run) {
    for (int u = first; u <= last;) {
        const double p = slope * u + offset;
        const int i = floor_int(p);
        const double t0 = p - i;
        int n = last - u + 1;
        if (slope > 1e-12) n = std::min(n, static_cast<int>((1.0 - t0) / slope) + 1);
        else if (slope < -1e-12) n = std::min(n, static_cast<int>(t0 / -slope) + 1);
        run(u, n, i, static_cast<float>(t0));
        u += n;
    }
}

// Keys' cubic weights (as kernels::cubic_weights), written out for loops the compiler vectorizes.
#define FSTACK_CUBIC_WEIGHTS(t, w0, w1, w2, w3)                                   \
    const float w0 = ((-0.75f * ((t) + 1) + 3.75f) * ((t) + 1) - 6.0f) * ((t) + 1) + 3.0f; \
    const float w1 = (1.25f * (t) - 2.25f) * (t) * (t) + 1;                        \
    const float w2 = (1.25f * (1 - (t)) - 2.25f) * (1 - (t)) * (1 - (t)) + 1;      \
    const float w3 = 1.0f - w0 - w1 - w2

template <typename T> T round_to(float v) {
    if constexpr (std::is_same_v<T, float>) {
        return v;
    } else {
        const float hi = float(std::numeric_limits<T>::max());
        v = std::min(std::max(v + 0.5f, 0.0f), hi);
        return static_cast<T>(static_cast<int>(v));
    }
}

// The cubic weights of a run of positions t0 + slope * k, k < n: w[j * n + k] for tap j.
void cubic_run_weights(int n, float t0, float slope, float* w) {
    float* w0 = w;
    float* w1 = w + n;
    float* w2 = w + 2 * n;
    float* w3 = w + 3 * n;
    for (int k = 0; k < n; ++k) {
        const float tt = t0 + slope * k;
        FSTACK_CUBIC_WEIGHTS(tt, a0, a1, a2, a3);
        w0[k] = a0;
        w1[k] = a1;
        w2[k] = a2;
        w3[k] = a3;
    }
}

// 1D cubic resampling of one run: dst[k] = the taps p0..p3 at k, weighted by w (as
// cubic_run_weights). Contiguous loads and stores: the compiler vectorizes both loops.
template <typename S>
void cubic_run(const S* p0, const S* p1, const S* p2, const S* p3, int n, const float* w, float* dst) {
    const float* w0 = w;
    const float* w1 = w + n;
    const float* w2 = w + 2 * n;
    const float* w3 = w + 3 * n;
    for (int k = 0; k < n; ++k)
        dst[k] = w0[k] * float(p0[k]) + w1[k] * float(p1[k]) + w2[k] * float(p2[k]) + w3[k] * float(p3[k]);
}

// One band of output rows of the two-pass cubic warp (see warp_affine_cubic). `inv`: output pixel ->
// source pixel. Each output row needs one row of an intermediate image, T(u, y) = S(u, sy),
// sampled down the source columns u along the line that the output row maps to, then resampled
// along u: two 1D cubic filters (8 taps) instead of a 2D one (16), no intermediate image (one
// row of floats per channel), and in runs of a constant integer offset, the taps are
// contiguous. Interleaved channels are first split, a source row at a time, into float planes
// kept in a ring of the rows that recent output rows used.
template <typename T, int C>
inline void shear_band(const cv::Mat& src, cv::Mat& out, uchar* covered, size_t covered_step, const cv::Matx23d& inv,
                       const cv::Range& rows, int ring_rows, int& uncovered) {
    const int w = src.cols, h = src.rows, wo = out.cols;
    const double a = inv(0, 0), b = inv(0, 1), c = inv(0, 2), d = inv(1, 0), e = inv(1, 1), f = inv(1, 2);
    // Along the output row y, the source column u is reached at dx = (u - b y - c) / a, where
    // sy = d dx + e y + f = alpha u + beta(y).
    const double alpha = d / a;
    const double x_end = wo - 1;
    std::vector<float> line, planes(static_cast<size_t>(wo) * C), weights(4 * static_cast<size_t>(std::max(w, wo) + 8));
    std::vector<float> ring(C > 1 ? static_cast<size_t>(ring_rows) * w * C : 0);
    std::vector<int> ring_tag(C > 1 ? static_cast<size_t>(ring_rows) : 0, -1);
    const auto clamp_row = [h](int r) { return r < 0 ? 0 : (r >= h ? h - 1 : r); };
    // Source row r, channel ch: the frame's own row (one channel) or its plane in the ring.
    const auto plane = [&](int r, int ch) -> const void* {
        r = clamp_row(r);
        if constexpr (C == 1) {
            return src.ptr<T>(r);
        } else {
            const size_t slot = static_cast<size_t>(r % ring_rows);
            float* base = ring.data() + slot * size_t(w) * C;
            if (ring_tag[slot] != r) {
                const T* in = src.ptr<T>(r);
                float* pl[C];
                for (int ch2 = 0; ch2 < C; ++ch2) pl[ch2] = base + size_t(ch2) * w;
                for (int u = 0; u < w; ++u)
                    for (int ch2 = 0; ch2 < C; ++ch2) pl[ch2][u] = float(in[size_t(u) * C + ch2]);
                ring_tag[slot] = r;
            }
            return base + size_t(ch) * w;
        }
    };
    using Src = std::conditional_t<C == 1, T, float>;
    int missing = 0;
    for (int y = rows.start; y < rows.end; ++y) {
        const double sx0 = b * y + c, sy0 = e * y + f;
        const double sx_end = a * x_end + sx0;
        // The taps along the row: columns lo..hi; those outside the frame repeat u0 or u1.
        int lo = floor_int(std::min(sx0, sx_end)) - 1, hi = floor_int(std::max(sx0, sx_end)) + 2;
        const int u0 = std::clamp(lo, 0, w - 1), u1 = std::clamp(hi, 0, w - 1);
        lo = std::min(lo, u0);  // a row wholly outside the frame
        hi = std::max(hi, u1);
        const size_t span = static_cast<size_t>(hi - lo + 1);
        if (span * C > line.size()) line.resize(span * C);
        const double beta = (e - d * b / a) * y + f - d * c / a;
        float* t[C];  // per channel, t[ch][u] for u in [lo, hi]
        for (int ch = 0; ch < C; ++ch) t[ch] = line.data() + span * size_t(ch) - lo;
        T* o = out.ptr<T>(y);
        // Down the columns: runs of a constant source row, the weights once for every channel.
        constant_floor_runs(u0, u1, alpha, beta, [&](int us, int n, int iy, float t0) {
            cubic_run_weights(n, t0, static_cast<float>(alpha), weights.data());
            for (int ch = 0; ch < C; ++ch) {
                const auto at = [&](int r) { return static_cast<const Src*>(plane(r, ch)) + us; };
                cubic_run(at(iy - 1), at(iy), at(iy + 1), at(iy + 2), n, weights.data(), t[ch] + us);
            }
        });
        for (int ch = 0; ch < C; ++ch) {
            for (int u = lo; u < u0; ++u) t[ch][u] = t[ch][u0];  // the edge columns replicated
            for (int u = u1 + 1; u <= hi; ++u) t[ch][u] = t[ch][u1];
        }
        // Along the row: sx = x + g(x), g = (a - 1) x + sx0; runs of a constant floor(g).
        constant_floor_runs(0, wo - 1, a - 1.0, sx0, [&](int xs, int n, int q, float t0) {
            cubic_run_weights(n, t0, static_cast<float>(a - 1.0), weights.data());
            for (int ch = 0; ch < C; ++ch) {
                const float* p = t[ch] + xs + q - 1;
                cubic_run(p, p + 1, p + 2, p + 3, n, weights.data(), planes.data() + size_t(ch) * wo + xs);
            }
        });
        const float* pl[C];
        for (int ch = 0; ch < C; ++ch) pl[ch] = planes.data() + size_t(ch) * wo;
        for (int x = 0; x < wo; ++x)
            for (int ch = 0; ch < C; ++ch) o[size_t(x) * C + ch] = round_to<T>(pl[ch][x]);
        if (covered) {
            // The covered pixels of a row are an interval: solved, then checked at its ends.
            const auto in = [&](int x) {
                const double sx = a * x + sx0, sy = d * x + sy0;
                return sx >= -0.5 && sx < w - 0.5 && sy >= -0.5 && sy < h - 0.5;
            };
            double from = 0, to = wo - 1;
            const auto limit = [&](double slope, double at0, double low, double high) {
                if (std::abs(slope) < 1e-12) {
                    if (at0 < low || at0 >= high) from = 1, to = 0;
                    return;
                }
                const double x1 = (low - at0) / slope, x2 = (high - at0) / slope;
                from = std::max(from, std::min(x1, x2));
                to = std::min(to, std::max(x1, x2));
            };
            limit(a, sx0, -0.5, w - 0.5);
            limit(d, sy0, -0.5, h - 0.5);
            int x0 = 0, x1 = -1;
            if (from <= to + 2) {
                x0 = std::clamp(static_cast<int>(std::ceil(from)), 0, wo - 1);
                x1 = std::clamp(static_cast<int>(std::floor(to)), 0, wo - 1);
                while (x0 <= x1 && !in(x0)) ++x0;
                while (x0 > 0 && x0 <= x1 + 1 && in(x0 - 1)) --x0;
                while (x1 >= x0 && !in(x1)) --x1;
                while (x1 + 1 < wo && x1 >= x0 - 1 && in(x1 + 1)) ++x1;
            }
            uchar* cov = covered + covered_step * size_t(y);
            if (x1 < x0) {
                std::fill(cov, cov + wo, uchar(0));
                missing += wo;
            } else {
                std::fill(cov, cov + x0, uchar(0));
                std::fill(cov + x0, cov + x1 + 1, uchar(255));
                std::fill(cov + x1 + 1, cov + wo, uchar(0));
                missing += wo - (x1 - x0 + 1);
            }
        }
    }
    uncovered = missing;
}
#undef FSTACK_CUBIC_WEIGHTS

// The same band compiled for AVX2 and FMA (every call inside it inlined: 8 floats a step
// instead of SSE2's 4), run where the processor has them: measured 2x faster on RGB frames.
// Fused multiply-adds round differently: the two builds differ by at most a level.
#if defined(__x86_64__) && defined(__GNUC__)
template <typename T, int C>
__attribute__((target("avx2,fma"), flatten)) void shear_band_avx2(const cv::Mat& src, cv::Mat& out, uchar* covered,
                                                                  size_t covered_step, const cv::Matx23d& inv,
                                                                  const cv::Range& rows, int ring_rows,
                                                                  int& uncovered) {
    shear_band<T, C>(src, out, covered, covered_step, inv, rows, ring_rows, uncovered);
}
bool has_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}
#endif

template <typename T, int C>
void shear_band_best(const cv::Mat& src, cv::Mat& out, uchar* covered, size_t covered_step, const cv::Matx23d& inv,
                     const cv::Range& rows, int ring_rows, int& uncovered, bool portable) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (!portable && has_avx2()) return shear_band_avx2<T, C>(src, out, covered, covered_step, inv, rows, ring_rows, uncovered);
#else
    (void)portable;
#endif
    shear_band<T, C>(src, out, covered, covered_step, inv, rows, ring_rows, uncovered);
}

template <typename T>
bool shear_warp_typed(const cv::Mat& src, const cv::Matx23d& inv, cv::Mat& out, cv::Mat* covered, int& uncovered,
                      bool portable) {
    // The ring holds every source row that one output row reads (its line crosses
    // |alpha| * width rows), and those of the next rows.
    const int ring_rows = static_cast<int>(std::ceil(std::abs(inv(1, 0) / inv(0, 0)) * (src.cols + 8))) + 8;
    if (src.channels() > 1 && static_cast<double>(ring_rows) * src.cols * src.channels() > 8e6) return false;  // 32 MB
    out.create(src.size(), src.type());
    if (covered) covered->create(src.size(), CV_8U);
    std::atomic<int> missing{0};
    const auto body = [&](const cv::Range& r) {
        int n = 0;
        uchar* cov = covered ? covered->data : nullptr;
        const size_t step = covered ? covered->step[0] : 0;
        switch (src.channels()) {
            case 1: shear_band_best<T, 1>(src, out, cov, step, inv, r, ring_rows, n, portable); break;
            case 2: shear_band_best<T, 2>(src, out, cov, step, inv, r, ring_rows, n, portable); break;
            case 3: shear_band_best<T, 3>(src, out, cov, step, inv, r, ring_rows, n, portable); break;
            default: shear_band_best<T, 4>(src, out, cov, step, inv, r, ring_rows, n, portable); break;
        }
        missing += n;
    };
    cv::parallel_for_(cv::Range(0, src.rows), body, std::max(1.0, src.rows / 128.0));  // each band fills its ring
    uncovered = missing.load();
    return true;
}

}  // namespace

bool warp_affine_cubic(const cv::Mat& src, const cv::Matx33d& m, cv::Mat& out, cv::Mat* covered, int& uncovered,
                       bool portable) {
    if (!is_affine(m) || src.channels() > 4 || src.empty()) return false;
    const cv::Matx33d i = m.inv();
    const double a = i(0, 0), b = i(0, 1), d = i(1, 0), e = i(1, 1);
    const double tan20 = 0.364;
    if (!(a > 0.5 && a < 2 && e > 0.5 && e < 2 && std::abs(b) < tan20 * a && std::abs(d) < tan20 * e)) return false;
    const cv::Matx23d inv(i(0, 0), i(0, 1), i(0, 2), i(1, 0), i(1, 1), i(1, 2));
    switch (src.depth()) {
        case CV_8U: return shear_warp_typed<uchar>(src, inv, out, covered, uncovered, portable);
        case CV_16U: return shear_warp_typed<ushort>(src, inv, out, covered, uncovered, portable);
        case CV_32F: return shear_warp_typed<float>(src, inv, out, covered, uncovered, portable);
        default: return false;
    }
}

namespace {

cv::Mat warp(const cv::Mat& src, const cv::Matx33d& m, cv::Size size, int interpolation, int border,
             const cv::Scalar& value) {
    cv::Mat out;
    int unused = 0;
    if (interpolation == cv::INTER_CUBIC && border == cv::BORDER_REPLICATE && size == src.size() &&
        warp_affine_cubic(src, m, out, nullptr, unused))
        return out;
    if (is_affine(m))
        cv::warpAffine(src, out, cv::Mat(m).rowRange(0, 2), size, interpolation, border, value);
    else
        cv::warpPerspective(src, out, cv::Mat(m), size, interpolation, border, value);
    return out;
}

// A wide Gaussian blur computed at a reduced scale: the border fill only needs its low
// frequencies, and a sigma of 50 at full size would cost more than the warp itself. The
// reduced, blurred copy; blurred_at() scales it back up where it is needed.
cv::Mat wide_blur_small(const cv::Mat& image, double sigma) {
    // An integer factor: OpenCV's INTER_AREA then averages blocks (a tenth of the time of a
    // fractional factor, which was 4.5% of a default run's CPU on 12 MP frames).
    const double f = 1.0 / std::max(1, static_cast<int>(sigma / 4.0));
    cv::Mat small, blurred;
    cv::resize(image, small, cv::Size(), f, f, cv::INTER_AREA);
    cv::GaussianBlur(small, blurred, cv::Size(), std::max(0.5, sigma * f), 0, cv::BORDER_REPLICATE);
    return blurred;
}

// The reduced blurred copy scaled up to `full` (bilinear, pixel centres on pixel centres, as
// cv::resize), for the pixels of `area` only.
cv::Mat blurred_at(const cv::Mat& small, cv::Size full, const cv::Rect& area) {
    const double fx = double(small.cols) / full.width, fy = double(small.rows) / full.height;
    const cv::Matx23d to_small(fx, 0, (area.x + 0.5) * fx - 0.5, 0, fy, (area.y + 0.5) * fy - 0.5);
    cv::Mat out;
    cv::warpAffine(small, out, to_small, area.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    return out;
}

// Where the warped frame has no source pixel (`covered` 0), the blurred frame. The uncovered
// pixels of a row lie at its two ends (a frame warped by an affine or a perspective map covers a
// convex area): in bands of rows, only the two end strips that hold them are scaled up and
// filled, a few percent of the frame instead of all of it. Where the strips miss an uncovered
// pixel (no convex area), the whole frame is filled. `uncovered`: how many pixels `covered`
// leaves out (warp_frame counted them already).
void fill_uncovered(cv::Mat& out, const cv::Mat& covered, int uncovered, double sigma) {
    const int w = out.cols, h = out.rows;
    const cv::Mat small = wide_blur_small(out, sigma);
    const auto fill = [&](const cv::Rect& r) {
        if (r.empty()) return 0;
        const cv::Mat hole = covered(r) == 0;
        const int n = cv::countNonZero(hole);
        if (n > 0) blurred_at(small, out.size(), r).copyTo(out(r), hole);
        return n;
    };
    constexpr int kBand = 16;
    int filled = 0;
    for (int y0 = 0; y0 < h; y0 += kBand) {
        const int y1 = std::min(h, y0 + kBand);
        int left = 0, right = w;  // columns [left, right) covered in every row of the band
        for (int y = y0; y < y1; ++y) {
            const uchar* c = covered.ptr<uchar>(y);
            int first = 0;
            while (first < w && !c[first]) ++first;
            int last = w;
            while (last > first && !c[last - 1]) --last;
            left = std::max(left, first);
            right = std::min(right, last);
        }
        right = std::max(right, left);
        filled += fill(cv::Rect(0, y0, left, y1 - y0));
        filled += fill(cv::Rect(right, y0, w - right, y1 - y0));
    }
    if (filled != uncovered) blurred_at(small, out.size(), cv::Rect(0, 0, w, h)).copyTo(out, covered == 0);
}

}  // namespace

double max_displacement(const cv::Matx33d& m, cv::Size size) {
    double worst = 0;
    const double w = size.width - 1.0, h = size.height - 1.0;
    for (const cv::Vec3d& p : {cv::Vec3d(0, 0, 1), cv::Vec3d(w, 0, 1), cv::Vec3d(0, h, 1), cv::Vec3d(w, h, 1)}) {
        const cv::Vec3d q = m * p;
        worst = std::max(worst, std::hypot(q[0] / q[2] - p[0], q[1] / q[2] - p[1]));
    }
    return worst;
}

cv::Mat warp_for_analysis(const cv::Mat& frame, const cv::Matx33d& to_reference) {
    return warp(frame, to_reference, frame.size(), cv::INTER_CUBIC, cv::BORDER_REPLICATE, {});
}

cv::Mat warp_frame(const cv::Mat& frame, const cv::Matx33d& to_reference, const AlignmentConfig& config) {
    // Cubic: within 0.12 dB of Lanczos on the synthetic misaligned preset warped by its true
    // transforms (38.53 against 38.65 dB; bilinear 36.78 dB), at a third of its time.
    const int interp = cv::INTER_CUBIC;
    switch (config.border_mode) {
        case BorderMode::Constant:
            return warp(frame, to_reference, frame.size(), interp, cv::BORDER_CONSTANT, config.border_value);
        case BorderMode::Replicate:
            return warp(frame, to_reference, frame.size(), interp, cv::BORDER_REPLICATE, {});
        case BorderMode::ReplicateBlur: break;
    }
    cv::Mat out, covered;
    int uncovered = 0;
    if (!warp_affine_cubic(frame, to_reference, out, &covered, uncovered)) {
        out = warp(frame, to_reference, frame.size(), interp, cv::BORDER_REPLICATE, {});
        const cv::Mat ones(frame.size(), CV_8U, cv::Scalar(255));
        covered = warp(ones, to_reference, frame.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, {0});
        uncovered = static_cast<int>(covered.total()) - cv::countNonZero(covered);
    }
    if (config.border_blur <= 0 || uncovered == 0) return out;
    fill_uncovered(out, covered, uncovered, config.border_blur);
    return out;
}

}  // namespace fstack
