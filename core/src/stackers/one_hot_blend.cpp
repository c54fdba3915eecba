// SPDX-License-Identifier: GPL-3.0-or-later
// The one-hot blend of the depth-map stackers' second pass, tile by tile (one_hot_blend.hpp).
#include "stackers/one_hot_blend.hpp"

#include <algorithm>

#include "fstack/kernels/stackers/blend.hpp"
#include "fstack/kernels/stackers/depthmap/select.hpp"
#include "stackers/float_frame.hpp"

namespace fstack {

void OneHotBlend::plan(const cv::Mat& depth_map, int frame_count, int reach, Smooth smooth) {
    CV_Assert(depth_map.type() == CV_16U);
    depth_map_ = depth_map;
    reach_ = reach;
    smooth_ = std::move(smooth);
    tile_ = std::max(128, 4 * reach);
    tiles_x_ = (depth_map.cols + tile_ - 1) / tile_;
    const int tiles = tiles_x_ * ((depth_map.rows + tile_ - 1) / tile_);
    const cv::Rect image(0, 0, depth_map.cols, depth_map.rows);
    // Per tile, the frames the depth map names within reach of it.
    std::vector<std::vector<int>> frames_of_tile(static_cast<size_t>(tiles));
    cv::parallel_for_(cv::Range(0, tiles), [&](const cv::Range& r) {
        std::vector<unsigned char> seen(static_cast<size_t>(frame_count));
        for (int t = r.start; t < r.end; ++t) {
            const cv::Rect region = (tile_rect(t) + cv::Size(2 * reach, 2 * reach) - cv::Point(reach, reach)) & image;
            for (int y = region.y; y < region.br().y; ++y) {
                const unsigned short* d = depth_map.ptr<unsigned short>(y);
                for (int x = region.x; x < region.br().x; ++x) seen[d[x]] = 1;
            }
            for (int f = 0; f < frame_count; ++f)
                if (seen[size_t(f)]) {
                    frames_of_tile[size_t(t)].push_back(f);
                    seen[size_t(f)] = 0;
                }
        }
    });
    tiles_of_frame_.assign(static_cast<size_t>(frame_count), {});
    for (int t = 0; t < tiles; ++t)
        for (int f : frames_of_tile[size_t(t)]) tiles_of_frame_[size_t(f)].push_back(t);
}

cv::Rect OneHotBlend::tile_rect(int tile) const {
    const cv::Rect r((tile % tiles_x_) * tile_, (tile / tiles_x_) * tile_, tile_, tile_);
    return r & cv::Rect(0, 0, depth_map_.cols, depth_map_.rows);
}

Stacker::FrameWork OneHotBlend::prepare(const cv::Mat& frame, int index) const {
    Stacker::FrameWork work;
    const std::vector<int>& tiles = tiles_of_frame_[size_t(index)];
    work.mats.resize(2 * tiles.size());
    const cv::Rect image(0, 0, frame.cols, frame.rows);
    const int cn = frame.channels();
    cv::parallel_for_(cv::Range(0, static_cast<int>(tiles.size())), [&](const cv::Range& r) {
        for (int i = r.start; i < r.end; ++i) {
            const cv::Rect tile = tile_rect(tiles[size_t(i)]);
            const cv::Rect region = (tile + cv::Size(2 * reach_, 2 * reach_) - cv::Point(reach_, reach_)) & image;
            cv::Mat w;
            cv::Mat(depth_map_(region) == index).convertTo(w, CV_32F, 1.0 / 255.0);
            if (reach_ > 0) smooth_(w);
            const cv::Mat wt = w(tile - region.tl()).clone();
            const cv::Mat f = to_float(frame(tile));
            cv::Mat weighted(f.size(), f.type());
            for (int y = 0; y < f.rows; ++y) {
                const float* fp = f.ptr<float>(y);
                const float* wp = wt.ptr<float>(y);
                float* o = weighted.ptr<float>(y);
                for (int x = 0; x < f.cols; ++x)
                    for (int c = 0; c < cn; ++c) o[x * cn + c] = wp[x] * fp[x * cn + c];
            }
            work.mats[2 * size_t(i)] = weighted;
            work.mats[2 * size_t(i) + 1] = wt;
        }
    });
    return work;
}

void OneHotBlend::merge(const Stacker::FrameWork& work, int index, cv::Mat& acc, cv::Mat& weight_sum) const {
    const std::vector<int>& tiles = tiles_of_frame_[size_t(index)];
    CV_Assert(work.mats.size() == 2 * tiles.size());
    cv::parallel_for_(cv::Range(0, static_cast<int>(tiles.size())), [&](const cv::Range& r) {
        for (int i = r.start; i < r.end; ++i) {
            const cv::Rect tile = tile_rect(tiles[size_t(i)]);
            cv::Mat a = acc(tile), s = weight_sum(tile);
            a += work.mats[2 * size_t(i)];
            s += work.mats[2 * size_t(i) + 1];
        }
    });
}

void select_sharpest(const cv::Mat& measure, int index, cv::Mat& best, cv::Mat& depth_map) {
    CV_Assert(measure.type() == CV_32F && best.type() == CV_32F && depth_map.type() == CV_16U &&
              measure.size() == best.size() && measure.size() == depth_map.size() && measure.isContinuous() &&
              best.isContinuous() && depth_map.isContinuous());
    const kernels::SelectEnergy select{measure.ptr<float>(), best.ptr<float>(), depth_map.ptr<unsigned short>(),
                                       measure.cols, index};
    cv::parallel_for_(cv::Range(0, measure.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y)
            for (int x = 0; x < measure.cols; ++x) select(x, y);
    });
}

cv::Mat blend_result(const cv::Mat& acc, const cv::Mat& weight_sum, int type) {
    cv::Mat out(acc.size(), type);
    const int cn = acc.channels();
    cv::parallel_for_(cv::Range(0, acc.rows), [&](const cv::Range& rows) {
        cv::Mat fused(rows.size(), acc.cols, acc.type());
        for (int y = rows.start; y < rows.end; ++y) {
            const float* a = acc.ptr<float>(y);
            const float* w = weight_sum.ptr<float>(y);
            float* o = fused.ptr<float>(y - rows.start);
            for (int x = 0; x < acc.cols; ++x) kernels::normalise_weighted(a + x * cn, w[x], cn, o + x * cn);
        }
        const cv::Mat converted = from_float(fused, type);
        converted.copyTo(out.rowRange(rows));
    });
    return out;
}

void OneHotBlend::clear() {
    depth_map_.release();
    tiles_of_frame_.clear();
}

}  // namespace fstack
