// SPDX-License-Identifier: GPL-3.0-or-later
// What every layered writer shares: bringing layers to the document layout.
#include "layers/layer_document.hpp"

#include <opencv2/core/utility.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack::detail {

cv::Mat to_document_layout(const cv::Mat& pixels, const LayeredImageSpec& spec, int index,
                           const std::string& shown) {
    if (pixels.empty())
        throw Error(ErrorKind::Internal, shown, index, "layer " + std::to_string(index + 1) + " has no pixels");
    if (pixels.cols != spec.width || pixels.rows != spec.height)
        throw Error(ErrorKind::Input, shown, index,
                    "layer '" + spec.layers.at(static_cast<size_t>(index)).name + "' is " +
                        std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) +
                        ", the document " + std::to_string(spec.width) + "x" + std::to_string(spec.height));
    return convert_channels(convert_depth(pixels, spec.depth), spec.alpha ? 4 : 3);
}

cv::Mat mask_to_depth(const cv::Mat& mask, const LayeredImageSpec& spec, int index,
                      const std::string& shown) {
    if (mask.channels() != 1 || mask.cols != spec.width || mask.rows != spec.height)
        throw Error(ErrorKind::Internal, shown, index, "layer mask of the wrong size or channel count");
    return convert_depth(mask, spec.depth);
}

Compositor::Compositor(int width, int height) : acc_(height, width, CV_32FC4, cv::Scalar::all(0)) {}

namespace {
template <typename T>
void blend_rows(cv::Mat& acc, const cv::Mat& layer, const cv::Mat& mask, const cv::Range& rows) {
    const float scale = 1.0f / (sizeof(T) == 1 ? 255.0f : 65535.0f);
    const int ch = layer.channels();
    for (int y = rows.start; y < rows.end; ++y) {
        float* a = acc.ptr<float>(y);
        const T* p = layer.ptr<T>(y);
        const T* m = mask.empty() ? nullptr : mask.ptr<T>(y);
        for (int x = 0; x < layer.cols; ++x, a += 4, p += ch) {
            float alpha = ch == 4 ? p[3] * scale : 1.0f;
            if (m) alpha *= m[x] * scale;
            const float keep = 1.0f - alpha;
            for (int c = 0; c < 3; ++c) a[c] = alpha * p[c] * scale + keep * a[c];
            a[3] = alpha + keep * a[3];
        }
    }
}
}  // namespace

void Compositor::over(const cv::Mat& layer, const cv::Mat& mask) {
    cv::parallel_for_(cv::Range(0, layer.rows), [&](const cv::Range& rows) {
        if (layer.depth() == CV_16U) blend_rows<unsigned short>(acc_, layer, mask, rows);
        else blend_rows<unsigned char>(acc_, layer, mask, rows);
    });
}

cv::Mat Compositor::result(int depth, bool alpha) const {
    const float max_value = depth == CV_16U ? 65535.0f : 255.0f;
    cv::Mat out(acc_.size(), CV_MAKETYPE(depth, alpha ? 4 : 3));
    cv::parallel_for_(cv::Range(0, acc_.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* a = acc_.ptr<float>(y);
            for (int x = 0; x < acc_.cols; ++x, a += 4) {
                // Un-premultiply: the file formats store straight (unassociated) alpha.
                const float inv = a[3] > 0 ? 1.0f / a[3] : 0.0f;
                float v[4] = {a[0] * inv, a[1] * inv, a[2] * inv, a[3]};
                for (int c = 0; c < (alpha ? 4 : 3); ++c) {
                    const float s = std::min(std::max(v[c], 0.0f), 1.0f) * max_value + 0.5f;
                    if (depth == CV_16U) out.ptr<unsigned short>(y)[x * out.channels() + c] = static_cast<unsigned short>(s);
                    else out.ptr<unsigned char>(y)[x * out.channels() + c] = static_cast<unsigned char>(s);
                }
            }
        }
    });
    return out;
}

}  // namespace fstack::detail
