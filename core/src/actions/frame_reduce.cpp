// SPDX-License-Identifier: GPL-3.0-or-later
#include "actions/frame_reduce.hpp"

#include <algorithm>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/kernels/image/channels.hpp"
#include "fstack/kernels/image/srgb.hpp"

namespace fstack {

namespace {

// Code value to linear light, one entry a code value.
template <typename T>
const std::vector<float>& decode_lut() {
    static const std::vector<float> lut = kernels::srgb_decode_table(T(~T(0)) + 1);
    return lut;
}

// Sums of k x k blocks of one row of blocks: row dy of each block added to a. CH channels known
// to the compiler for grey, BGR and BGRA (with_channels; the per-sample branch and the channel
// loop then unroll), 0 for the others; alpha, the alpha channel's index (-1: none), follows.
template <typename T, int CH>
void add_block_row(const T* s, float* a, int blocks, int k, int channels, int alpha, const float* dec) {
    const int ch = CH ? CH : channels;
    const int al = CH == 4 ? 3 : CH ? -1 : alpha;
    for (int x = 0; x < blocks; ++x, a += ch)
        for (int j = 0; j < k; ++j, s += ch)
            for (int c = 0; c < ch; ++c) a[c] += c == al ? float(s[c]) : dec[s[c]];
}

template <typename T>
cv::Mat reduce(const cv::Mat& frame, int k) {
    const int ch = frame.channels();
    const int alpha = ch == 2 || ch == 4 ? ch - 1 : -1;  // averaged as it is, not decoded
    const cv::Size small(frame.cols / k, frame.rows / k);
    cv::Mat out(small, CV_32FC(ch));
    const std::vector<float>& dec = decode_lut<T>();
    static const kernels::SrgbEncoder encode;
    const float max = float(T(~T(0)));
    const float mean = 1.0f / float(k * k);
    cv::parallel_for_(cv::Range(0, small.height), [&](const cv::Range& rows) {
        std::vector<float> sum(size_t(small.width) * size_t(ch));
        for (int y = rows.start; y < rows.end; ++y) {
            std::fill(sum.begin(), sum.end(), 0.0f);
            kernels::with_channels(ch, [&](auto n) {
                for (int dy = 0; dy < k; ++dy)
                    add_block_row<T, n()>(frame.ptr<T>(y * k + dy), sum.data(), small.width, k, ch, alpha, dec.data());
            });
            float* o = out.ptr<float>(y);
            for (int i = 0; i < small.width * ch; ++i) {
                const float m = sum[size_t(i)] * mean;
                o[i] = i % ch == alpha ? m : max * encode(m);
            }
        }
    });
    return out;
}

}  // namespace

int reduction_factor(cv::Size size, int longest) {
    const int side = std::max(size.width, size.height);
    if (longest <= 0 || side <= longest) return 1;
    return (side + longest - 1) / longest;
}

cv::Mat reduce_linear(const cv::Mat& frame, int factor) {
    if (factor < 1 || frame.cols < factor || frame.rows < factor || frame.channels() > 4)
        throw Error(ErrorKind::Internal, "reduce_linear: a factor of " + std::to_string(factor) + " for a " +
                                             std::to_string(frame.cols) + "x" + std::to_string(frame.rows) + " frame");
    if (frame.depth() == CV_8U) return reduce<unsigned char>(frame, factor);
    if (frame.depth() == CV_16U) return reduce<unsigned short>(frame, factor);
    throw Error(ErrorKind::Input, "frame actions take 8- or 16-bit frames");
}

}  // namespace fstack
