// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Per-pixel image filters written once for the host executor and the CUDA kernels: each functor's
// operator()(x, y) computes one output pixel. Images are packed rows of interleaved float channels
// (width * channels floats a row), as a continuous CV_32FC(n) Mat. Borders are OpenCV's
// BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba), the border of the CPU path's OpenCV filters.
#include <math.h>

#include "fstack/kernels/hd.hpp"

namespace fstack::kernels {

// The largest filter these functors take (kernel_size of PyramidStack is at most 99).
constexpr int kMaxTaps = 99;

FSTACK_HD int reflect101(int p, int n) {
    if (n <= 1) return 0;
    while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
    return p;
}
FSTACK_HD int clamp_index(int p, int n) { return p < 0 ? 0 : (p >= n ? n - 1 : p); }

struct Taps {
    int count = 0;  // odd, centred
    float w[kMaxTaps] = {};
};

struct FillPlane {
    float* p;
    int width;
    float value;
    FSTACK_HD void operator()(int x, int y) const { p[static_cast<long>(y) * width + x] = value; }
};
struct ZeroIndex {
    unsigned short* p;
    int width;
    FSTACK_HD void operator()(int x, int y) const { p[static_cast<long>(y) * width + x] = 0; }
};

// A frame of T (8- or 16-bit) to float on 0..1; `pitch` in elements.
template <class T> struct ToFloat {
    const T* src;
    long pitch;
    float* dst;
    int width, channels;
    float inv_scale;
    FSTACK_HD void operator()(int x, int y) const {
        const T* s = src + y * pitch + static_cast<long>(x) * channels;
        float* d = dst + (static_cast<long>(y) * width + x) * channels;
        for (int c = 0; c < channels; ++c) d[c] = static_cast<float>(s[c]) * inv_scale;
    }
};

FSTACK_HD float saturate_unit(float v, float scale) {
    const float r = rintf(v * scale);  // to nearest, ties to even: cvRound's rule
    return r < 0.0f ? 0.0f : (r > scale ? scale : r);
}

// Float 0..1 back to T, rounded to nearest and saturated (cv::Mat::convertTo's rule).
template <class T> struct FromFloat {
    const float* src;
    T* dst;
    int width, channels;
    float scale;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = (static_cast<long>(y) * width + x) * channels;
        for (int c = 0; c < channels; ++c) dst[i + c] = static_cast<T>(saturate_unit(src[i + c], scale));
    }
};

// Horizontal 5-tap generating kernel at every other column: dst is ((width+1)/2) x height.
struct ReduceRows {
    const float* src;
    float* dst;
    int width, channels;  // of src
    float w[5];
    FSTACK_HD void operator()(int x, int y) const {
        const int half = (width + 1) / 2;
        for (int c = 0; c < channels; ++c) {
            float acc = 0.0f;
            for (int i = 0; i < 5; ++i)
                acc += w[i] * src[(static_cast<long>(y) * width + reflect101(2 * x + i - 2, width)) * channels + c];
            dst[(static_cast<long>(y) * half + x) * channels + c] = acc;
        }
    }
};

// Vertical 5-tap at every other row of ReduceRows' output: dst is half-width x ((height+1)/2).
struct ReduceCols {
    const float* src;
    float* dst;
    int width, height, channels;  // of src (already half-width)
    float w[5];
    FSTACK_HD void operator()(int x, int y) const {
        for (int c = 0; c < channels; ++c) {
            float acc = 0.0f;
            for (int j = 0; j < 5; ++j)
                acc += w[j] * src[(static_cast<long>(reflect101(2 * y + j - 2, height)) * width + x) * channels + c];
            dst[(static_cast<long>(y) * width + x) * channels + c] = acc;
        }
    }
};

// The expand of a small level into width x height: the small level's samples, times 4, at the
// even positions of a zero image, filtered by the generating kernel. Rows first (only even rows
// are non-zero: tmp holds them, width x (height+1)/2), then columns.
struct ExpandRows {
    const float* src;  // small_width x small_height
    float* tmp;        // width x small_height
    int small_width, width, channels;
    float w[5];
    FSTACK_HD void operator()(int x, int y) const {
        for (int c = 0; c < channels; ++c) {
            float acc = 0.0f;
            for (int i = 0; i < 5; ++i) {
                const int p = reflect101(x + i - 2, width);
                if (p & 1) continue;
                acc += w[i] * (4.0f * src[(static_cast<long>(y) * small_width + p / 2) * channels + c]);
            }
            tmp[(static_cast<long>(y) * width + x) * channels + c] = acc;
        }
    }
};

// dst = a * other + b * expanded (the band: other - expanded; the collapse: expanded + other).
struct ExpandCols {
    const float* tmp;  // width x (height+1)/2, ExpandRows' output
    const float* other;
    float* dst;
    int width, height, channels;
    float w[5];
    float a, b;
    FSTACK_HD void operator()(int x, int y) const {
        for (int c = 0; c < channels; ++c) {
            float acc = 0.0f;
            for (int j = 0; j < 5; ++j) {
                const int q = reflect101(y + j - 2, height);
                if (q & 1) continue;
                acc += w[j] * tmp[(static_cast<long>(q / 2) * width + x) * channels + c];
            }
            const long i = (static_cast<long>(y) * width + x) * channels + c;
            dst[i] = other ? a * other[i] + b * acc : b * acc;
        }
    }
};

// Sum over channels of the squares (one plane out).
struct SquareSum {
    const float* src;
    float* dst;
    int width, channels;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        float s = 0.0f;
        for (int c = 0; c < channels; ++c) s += src[i * channels + c] * src[i * channels + c];
        dst[i] = s;
    }
};

// One plane through a centred odd filter, along rows (Horizontal) or columns.
template <bool Horizontal> struct SeparablePass {
    const float* src;
    float* dst;
    int width, height;
    Taps taps;
    FSTACK_HD void operator()(int x, int y) const {
        const int r = taps.count / 2;
        float acc = 0.0f;
        for (int i = 0; i < taps.count; ++i) {
            const long at = Horizontal ? static_cast<long>(y) * width + reflect101(x + i - r, width)
                                       : static_cast<long>(reflect101(y + i - r, height)) * width + x;
            acc += taps.w[i] * src[at];
        }
        dst[static_cast<long>(y) * width + x] = acc;
    }
};

// 3x3 maximum over the pixels inside the plane (cv::dilate's default border).
struct Dilate3 {
    const float* src;
    float* dst;
    int width, height;
    FSTACK_HD void operator()(int x, int y) const {
        float m = src[static_cast<long>(y) * width + x];
        for (int j = -1; j <= 1; ++j)
            for (int i = -1; i <= 1; ++i) {
                const int xx = x + i, yy = y + j;
                if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
                const float v = src[static_cast<long>(yy) * width + xx];
                m = v > m ? v : m;
            }
        dst[static_cast<long>(y) * width + x] = m;
    }
};

// dst += src (one plane).
struct AddPlane {
    const float* src;
    float* dst;
    int width;
    FSTACK_HD void operator()(int x, int y) const { dst[static_cast<long>(y) * width + x] += src[static_cast<long>(y) * width + x]; }
};

// 5x5 median of a plane of frame indices, edges replicated (cv::medianBlur's rule).
struct Median5 {
    const unsigned short* src;
    unsigned short* dst;
    int width, height;
    FSTACK_HD void operator()(int x, int y) const {
        unsigned short v[25];
        int n = 0;
        for (int j = -2; j <= 2; ++j)
            for (int i = -2; i <= 2; ++i)
                v[n++] = src[static_cast<long>(clamp_index(y + j, height)) * width + clamp_index(x + i, width)];
        for (int a = 1; a < 25; ++a) {  // insertion sort: 25 values
            const unsigned short t = v[a];
            int b = a - 1;
            while (b >= 0 && v[b] > t) { v[b + 1] = v[b]; --b; }
            v[b + 1] = t;
        }
        dst[static_cast<long>(y) * width + x] = v[12];
    }
};

// BT.601 luma of BGR(A) (alpha ignored), or the plane itself for grey.
FSTACK_HD float luma_of(const float* p, int channels) {
    return channels == 1 ? p[0] : 0.114f * p[0] + 0.587f * p[1] + 0.299f * p[2];
}

// The luma plane of a frame (a copy for grey).
struct LumaPlane {
    const float* src;
    float* luma;
    int width, channels;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        luma[i] = luma_of(src + i * channels, channels);
    }
};

// |v| in place, or the gradient magnitude sqrt(gx^2 + gy^2) (cv::magnitude) into gx.
struct AbsPlane {
    float* p;
    int width;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        p[i] = fabsf(p[i]);
    }
};
struct Magnitude {
    float* gx;
    const float* gy;
    int width;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        gx[i] = sqrtf(gx[i] * gx[i] + gy[i] * gy[i]);
    }
};

struct LumaAndSquare {
    const float* src;
    float* luma;
    float* square;
    int width, channels;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        const float l = luma_of(src + i * channels, channels);
        luma[i] = l;
        square[i] = l * l;
    }
};

// Local standard deviation from the box means of the luma and of its square, plus `floor`.
struct Deviation {
    const float* mean;
    const float* mean_sq;
    float* dst;
    int width;
    float floor;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        float v = mean_sq[i] - mean[i] * mean[i];
        v = v > 0.0f ? v : 0.0f;
        dst[i] = sqrtf(v) + floor;
    }
};

// dst = max(mean_sq - mean^2, 0): the local variance from the box means of a plane and of its
// square (FocusStacker's measure; rounding can leave tiny negatives).
struct LocalVariance {
    const float* mean;
    const float* mean_sq;
    float* dst;
    int width;
    FSTACK_HD void operator()(int x, int y) const {
        const long i = static_cast<long>(y) * width + x;
        const float v = mean_sq[i] - mean[i] * mean[i];
        dst[i] = v > 0.0f ? v : 0.0f;
    }
};

// The four weights of Keys' cubic convolution (A = -0.75, OpenCV's INTER_CUBIC) for the samples
// at -1, 0, 1, 2 around a position t (0 <= t < 1) past sample 0.
FSTACK_HD void cubic_weights(float t, float w[4]) {
    const float A = -0.75f;
    w[0] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
    w[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
    w[2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
    w[3] = 1.0f - w[0] - w[1] - w[2];
}

// cv::resize's INTER_CUBIC (Keys, A = -0.75, edges replicated) by the integer `factor` along
// the rows (Horizontal: dst is factor * width x height) or the columns (width x factor * height)
// of a width x height plane: the source position and its weights computed as OpenCV does.
template <bool Horizontal> struct UpsampleCubic {
    const float* src;
    float* dst;
    int width, height, factor;
    FSTACK_HD void operator()(int x, int y) const {
        const int d = Horizontal ? x : y;
        const float f = static_cast<float>((d + 0.5) * (1.0 / factor) - 0.5);
        const int s = static_cast<int>(floorf(f));
        float w[4];
        cubic_weights(f - static_cast<float>(s), w);
        const int out_width = Horizontal ? width * factor : width;
        float acc = 0.0f;
        for (int k = 0; k < 4; ++k) {
            const long at = Horizontal ? static_cast<long>(y) * width + clamp_index(s - 1 + k, width)
                                       : static_cast<long>(clamp_index(s - 1 + k, height)) * width + x;
            acc += src[at] * w[k];
        }
        dst[static_cast<long>(y) * out_width + x] = acc;
    }
};

// cv::resize's INTER_AREA by the integer `factor`: each pixel of the width x height dst is the
// mean of its factor x factor block of src (factor * width wide).
struct AreaDown {
    const float* src;
    float* dst;
    int width, factor;
    FSTACK_HD void operator()(int x, int y) const {
        const long src_width = static_cast<long>(width) * factor;
        float sum = 0.0f;
        for (int j = 0; j < factor; ++j)
            for (int i = 0; i < factor; ++i) sum += src[(static_cast<long>(y) * factor + j) * src_width + x * factor + i];
        dst[static_cast<long>(y) * width + x] = sum * (1.0f / static_cast<float>(factor * factor));
    }
};

}  // namespace fstack::kernels
