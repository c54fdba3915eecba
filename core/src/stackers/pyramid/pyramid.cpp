// SPDX-License-Identifier: GPL-3.0-or-later
// Gaussian and Laplacian pyramids with the Burt-Adelson generating kernel.
#include "stackers/pyramid/pyramid.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/kernels/image/channels.hpp"
#include "fstack/kernels/image/filters.hpp"
#include "fstack/kernels/stackers/pyramid/select.hpp"
#include "stackers/float_frame.hpp"

namespace fstack {
namespace {

using kernels::reflect101;
using kernels::with_channels;

// REDUCE's columns x in [first, end), whose five taps 2x-2 .. 2x+2 are inside the row t.
template <int CN>
void reduce_columns(const float* t, float* d, int first, int end, int channels, const float w[5]) {
    const int cn = CN ? CN : channels;
    for (int x = first; x < end; ++x) {
        const float* q = t + (2 * x - 2) * cn;
        for (int c = 0; c < cn; ++c)
            d[x * cn + c] =
                w[0] * q[c] + w[1] * q[cn + c] + w[2] * q[2 * cn + c] + w[3] * q[3 * cn + c] + w[4] * q[4 * cn + c];
    }
}

// The expand's 4 = 2 x 2, all of it on x: the generating kernel times 4.
struct ExpandWeights {
    explicit ExpandWeights(const float k[5]) : w{4 * k[0], 4 * k[1], 4 * k[2], 4 * k[3], 4 * k[4]} {}
    float w[5];
};

// EXPAND along a row of width `width` (the small row times 4 at even positions, filtered by w):
// columns [2, interior_end) take their taps inside the small row without reflection, in pairs
// 2m, 2m + 1 from small columns m - 1 .. m + 1; the others go through expanded_border.
int expand_interior_end(int width) { return 2 * std::max(1, (width - 1) / 2); }

template <int CN> void expand_columns(const float* s, float* e, int width, int channels, const float a[5]) {
    const int cn = CN ? CN : channels;
    const int end = expand_interior_end(width) / 2;
    for (int m = 1; m < end; ++m) {
        const float* q = s + (m - 1) * cn;
        float* even = e + 2 * m * cn;
        for (int c = 0; c < cn; ++c) {
            even[c] = a[0] * q[c] + a[2] * q[cn + c] + a[4] * q[2 * cn + c];
            even[cn + c] = a[1] * q[cn + c] + a[3] * q[2 * cn + c];
        }
    }
}

float expanded_border(const float* s, int x, int c, int cn, int width, const float a[5]) {
    float acc = 0.0f;
    for (int i = 0; i < 5; ++i) {
        const int p = reflect101(x + i - 2, width);
        if (!(p & 1)) acc += a[i] * s[(p / 2) * cn + c];
    }
    return acc;
}

// Channel c of column x of the small row s expanded along x: what expand_columns or
// expanded_border writes there, with the same operations in the same order.
float expanded_at(const float* s, int x, int c, int cn, int width, const float a[5]) {
    if (x < 2 || x >= expand_interior_end(width)) return expanded_border(s, x, c, cn, width, a);
    const float* q = s + (x / 2 - 1) * cn;
    return x % 2 == 0 ? a[0] * q[c] + a[2] * q[cn + c] + a[4] * q[2 * cn + c] : a[1] * q[cn + c] + a[3] * q[2 * cn + c];
}

// EXPAND along y at output row y of `height`: the even rows among y-2 .. y+2 (reflected), as small
// rows ks with their weights ws (a border can meet one twice: its weights are summed).
int expand_taps(int y, int height, const float w[5], int ks[3], float ws[3]) {
    int taps = 0;
    for (int j = 0; j < 5; ++j) {
        const int q = reflect101(y + j - 2, height);
        if (q & 1) continue;
        int t = 0;
        while (t < taps && ks[t] != q / 2) ++t;
        if (t == taps) {
            ks[taps] = q / 2;
            ws[taps++] = 0.0f;
        }
        ws[t] += w[j];
    }
    return taps;
}

// o + sign * the weighed expanded rows: one form per tap count, written once for the row loop
// and the single pixels (band_at), so that both give the same bits.
inline float expand_sum(float o, float sign, int taps, const float ws[3], float e0, float e1, float e2) {
    if (taps == 3) return o + sign * (ws[0] * e0 + ws[1] * e1 + ws[2] * e2);
    if (taps == 2) return o + sign * (ws[0] * e0 + ws[1] * e1);
    return o + sign * (ws[0] * e0);
}

// A level's samples as float: 8- and 16-bit data (a frame, as level 0) on the 0..1 scale, the
// very values to_float gives (convertTo: the sample times the float scale), float as it is. The
// frame need not be converted to a float copy first (a frame's worth of memory, and its time).
inline float sample(unsigned char v, float scale) { return static_cast<float>(v) * scale; }
inline float sample(unsigned short v, float scale) { return static_cast<float>(v) * scale; }
inline float sample(float v, float) { return v; }

float scale_of(int depth) { return depth == CV_32F ? 1.0f : static_cast<float>(1.0 / depth_scale(depth)); }

// f(T{}) with T the element type of `depth`: 8U, 16U or 32F.
template <class F> void with_depth(int depth, F&& f) {
    switch (depth) {
    case CV_8U: f(static_cast<unsigned char>(0)); break;
    case CV_16U: f(static_cast<unsigned short>(0)); break;
    case CV_32F: f(0.0f); break;
    default: CV_Error(cv::Error::StsUnsupportedFormat, "pyramid: 8-bit, 16-bit or float data expected");
    }
}

// REDUCE, polyphase: only the samples kept are filtered. Per output row, the 5 source rows
// (2y-2 .. 2y+2, reflected) are weighed into one row, then every other column of it is. The
// same sums as blurring the whole image by w (x) w and keeping (2x, 2y) (kernels' ReduceRows
// and ReduceCols, the GPU's), a quarter of the work and no full-size temporary.
template <class T> void reduce_polyphase(const cv::Mat& src, cv::Mat& dst, const float w[5]) {
    const int width = src.cols, height = src.rows, cn = src.channels();
    const int half_w = (width + 1) / 2, half_h = (height + 1) / 2;
    dst.create(half_h, half_w, CV_32FC(cn));
    const int n = width * cn;
    const float sc = scale_of(src.depth());
    cv::parallel_for_(cv::Range(0, half_h), [&](const cv::Range& rows) {
        std::vector<float> line(static_cast<size_t>(n));
        float* t = line.data();
        for (int y = rows.start; y < rows.end; ++y) {
            const T* s0 = src.ptr<T>(reflect101(2 * y - 2, height));
            const T* s1 = src.ptr<T>(reflect101(2 * y - 1, height));
            const T* s2 = src.ptr<T>(reflect101(2 * y, height));
            const T* s3 = src.ptr<T>(reflect101(2 * y + 1, height));
            const T* s4 = src.ptr<T>(reflect101(2 * y + 2, height));
            for (int k = 0; k < n; ++k)
                t[k] = w[0] * sample(s0[k], sc) + w[1] * sample(s1[k], sc) + w[2] * sample(s2[k], sc) +
                       w[3] * sample(s3[k], sc) + w[4] * sample(s4[k], sc);
            float* d = dst.ptr<float>(y);
            const auto at_border = [&](int x) {
                for (int c = 0; c < cn; ++c) {
                    float acc = 0.0f;
                    for (int j = 0; j < 5; ++j) acc += w[j] * t[reflect101(2 * x + j - 2, width) * cn + c];
                    d[x * cn + c] = acc;
                }
            };
            const int first = std::min(1, half_w), end = std::max(first, (width - 3) / 2 + 1);  // 2x+2 < width
            for (int x = 0; x < first; ++x) at_border(x);
            with_channels(cn, [&](auto channels) { reduce_columns<channels()>(t, d, first, end, cn, w); });
            for (int x = end; x < half_w; ++x) at_border(x);
        }
    });
}

// other + sign * EXPAND(small), polyphase: the expand's zero-inserted image is never made. An
// even output column takes taps 0, 2, 4 of the small row, an odd one taps 1 and 3 (the same for
// rows), as the zero image filtered by w (x) w would (kernels' ExpandRows and ExpandCols). The
// small rows expanded along x are kept in a ring of three; the band (sign -1) or the collapse's
// sum (+1) is written at once, without a full-size expanded image.
template <class T>
void expand_add_polyphase(const cv::Mat& small, const cv::Mat& other, float sign, cv::Mat& dst, const float w[5]) {
    const int width = other.cols, height = other.rows, cn = other.channels();
    CV_Assert(small.cols == (width + 1) / 2 && small.rows == (height + 1) / 2 && small.type() == CV_32FC(cn));
    dst.create(height, width, CV_32FC(cn));
    const float sc = scale_of(other.depth());
    const int n = width * cn;
    const ExpandWeights weights(w);
    const float* a = weights.w;
    const auto expand_row = [&](int k, float* e) {
        const float* s = small.ptr<float>(k);
        const int end = expand_interior_end(width);
        const auto at_border = [&](int x) {
            for (int c = 0; c < cn; ++c) e[x * cn + c] = expanded_border(s, x, c, cn, width, a);
        };
        for (int x = 0; x < std::min(2, width); ++x) at_border(x);
        for (int x = std::max(2, end); x < width; ++x) at_border(x);
        with_channels(cn, [&](auto channels) { expand_columns<channels()>(s, e, width, cn, a); });
    };
    cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
        std::vector<float> ring(static_cast<size_t>(3) * n);
        int held[3] = {-1, -1, -1};
        const auto expanded = [&](int k) -> const float* {
            float* e = ring.data() + static_cast<size_t>(k % 3) * n;
            if (held[k % 3] != k) {
                expand_row(k, e);
                held[k % 3] = k;
            }
            return e;
        };
        for (int y = rows.start; y < rows.end; ++y) {
            int ks[3];
            float ws[3];
            const int taps = expand_taps(y, height, w, ks, ws);
            const T* o = other.ptr<T>(y);
            float* d = dst.ptr<float>(y);
            if (taps == 3) {
                const float *e0 = expanded(ks[0]), *e1 = expanded(ks[1]), *e2 = expanded(ks[2]);
                for (int k = 0; k < n; ++k) d[k] = expand_sum(sample(o[k], sc), sign, 3, ws, e0[k], e1[k], e2[k]);
            } else if (taps == 2) {
                const float *e0 = expanded(ks[0]), *e1 = expanded(ks[1]);
                for (int k = 0; k < n; ++k) d[k] = expand_sum(sample(o[k], sc), sign, 2, ws, e0[k], e1[k], 0.0f);
            } else {
                const float* e0 = expanded(ks[0]);
                for (int k = 0; k < n; ++k) d[k] = expand_sum(sample(o[k], sc), sign, 1, ws, e0[k], 0.0f, 0.0f);
            }
        }
    });
}

// The band fine - EXPAND(coarse) at single pixels: expand_taps, expanded_at and expand_sum, the
// operations expand_add_polyphase does there, in the same order.
template <class T>
void band_at_polyphase(const cv::Mat& fine, const cv::Mat& coarse, const std::uint32_t* pixels, size_t count,
                       cv::Mat& dst, const float w[5]) {
    const int width = fine.cols, height = fine.rows, cn = fine.channels();
    const float sc = scale_of(fine.depth());
    const ExpandWeights a(w);
    cv::parallel_for_(cv::Range(0, static_cast<int>(count)), [&](const cv::Range& r) {
        for (int i = r.start; i < r.end; ++i) {
            const int y = static_cast<int>(pixels[i] / static_cast<std::uint32_t>(width));
            const int x = static_cast<int>(pixels[i] % static_cast<std::uint32_t>(width));
            int ks[3];
            float ws[3];
            const int taps = expand_taps(y, height, w, ks, ws);
            const float* rows[3] = {coarse.ptr<float>(ks[0]), coarse.ptr<float>(taps > 1 ? ks[1] : ks[0]),
                                    coarse.ptr<float>(taps > 2 ? ks[2] : ks[0])};
            const T* o = fine.ptr<T>(y) + x * cn;
            float* d = dst.ptr<float>(y) + x * cn;
            for (int c = 0; c < cn; ++c) {
                float e[3] = {0.0f, 0.0f, 0.0f};
                for (int t = 0; t < taps; ++t) e[t] = expanded_at(rows[t], x, c, cn, width, a.w);
                d[c] = expand_sum(sample(o[c], sc), -1.0f, taps, ws, e[0], e[1], e[2]);
            }
        }
    }, std::max(1.0, double(count) / 4096));
}

}  // namespace

// Every a, 3/8 included, by the polyphase loops: faster than OpenCV's pyrDown + pyrUp + subtract
// (0.10 s against 0.12 s for a 3000x2000 RGB float pyramid, one thread), and pyrUp does not
// follow the definition at odd sizes (it reflects about the even size, then crops).
PyramidKernel::PyramidKernel(double a) { kernels::generating_kernel(static_cast<float>(a), w_); }

cv::Mat PyramidKernel::reduce(const cv::Mat& image) const {
    cv::Mat out;
    with_depth(image.depth(), [&](auto t) { reduce_polyphase<decltype(t)>(image, out, w_); });
    return out;
}

cv::Mat PyramidKernel::expand_add(const cv::Mat& small, const cv::Mat& other, float sign) const {
    cv::Mat out;
    with_depth(other.depth(), [&](auto t) { expand_add_polyphase<decltype(t)>(small, other, sign, out, w_); });
    return out;
}

void PyramidKernel::band_at(const cv::Mat& fine, const cv::Mat& coarse, const std::uint32_t* pixels, size_t count,
                            cv::Mat& dst) const {
    const int width = fine.cols, height = fine.rows, cn = fine.channels();
    CV_Assert(coarse.cols == (width + 1) / 2 && coarse.rows == (height + 1) / 2 && coarse.type() == CV_32FC(cn) &&
              dst.size() == fine.size() && dst.type() == CV_32FC(cn));
    with_depth(fine.depth(), [&](auto t) { band_at_polyphase<decltype(t)>(fine, coarse, pixels, count, dst, w_); });
}


std::vector<cv::Mat> PyramidKernel::gaussian(const cv::Mat& image, int levels,
                                             const std::function<void()>& between_levels) const {
    std::vector<cv::Mat> pyr;
    pyr.reserve(levels);
    pyr.push_back(image);
    for (int l = 0; l + 1 < levels; ++l) {
        pyr.push_back(reduce(pyr.back()));
        if (between_levels) between_levels();
    }
    return pyr;
}

std::vector<cv::Mat> PyramidKernel::laplacian(const cv::Mat& image, int levels,
                                              const std::function<void()>& between_levels) const {
    std::vector<cv::Mat> pyr;
    pyr.reserve(levels);
    cv::Mat current = image;
    for (int l = 0; l + 1 < levels; ++l) {
        cv::Mat down = reduce(current);
        pyr.push_back(expand_add(down, current, -1.0f));
        current = down;
        if (between_levels) between_levels();
    }
    if (current.depth() != CV_32F) current.convertTo(current, CV_32F, scale_of(current.depth()));  // one level
    pyr.push_back(current);
    return pyr;
}

cv::Mat PyramidKernel::collapse(const std::vector<cv::Mat>& pyramid) const {
    cv::Mat image = pyramid.back().clone();
    for (int l = static_cast<int>(pyramid.size()) - 2; l >= 0; --l) image = expand_add(image, pyramid[l], 1.0f);
    return image;
}

int pyramid_levels(cv::Size size, int min_size) {
    return kernels::pyramid_level_count(size.width, size.height, min_size);  // the GPU path's count too
}

}  // namespace fstack
