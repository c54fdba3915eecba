// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The second pass of DepthMapStack (MAP_MAX) and FocusStacker: every frame weighted by its
// one-hot mask of the final depth map, smoothed, summed with the weights. A frame's smoothed
// weight is zero beyond the smoothing's reach from the pixels the depth map gives it, so the
// work goes by tiles: per frame only the tiles (128 px, or 4x the reach where that is more) with
// such a pixel within reach are smoothed, weighted and added, each from the tile and its reach:
// the same values as smoothing the whole mask (a Gaussian's sums do not depend on where the
// tile starts; running box sums round a little otherwise), and no full-size float frame, mask or
// weighted copy per frame.
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/stacker.hpp"

namespace fstack {

// The reach of cv::GaussianBlur's window for float data of `sigma` (its half size).
inline int gaussian_reach(double sigma) { return (cvRound(sigma * 4 * 2 + 1) | 1) / 2; }

// The first pass of both: where frame `index`'s focus measure (CV_32F) beats `best` (strictly:
// of equally sharp frames the first wins, so the depth map is stable where nothing is in
// focus), best takes it and depth_map (CV_16U) the index; kernels::SelectEnergy, the GPU
// pipeline's rule, in row bands on OpenCV's threads.
void select_sharpest(const cv::Mat& measure, int index, cv::Mat& best, cv::Mat& depth_map);

// The blend's result in `type` (to_float's scale): acc / weight_sum per pixel
// (kernels::normalise_weighted), in row bands on OpenCV's threads.
cv::Mat blend_result(const cv::Mat& acc, const cv::Mat& weight_sum, int type);

class OneHotBlend {
public:
    // smooth(w): the smoothing of a float mask patch in place; reach: how far (pixels) it
    // carries a weight (0: no smoothing).
    using Smooth = std::function<void(cv::Mat&)>;

    // After the depth map is final (CV_16U frame indices, kept by the caller until finish):
    // which tiles each of the frame_count frames reaches.
    void plan(const cv::Mat& depth_map, int frame_count, int reach, Smooth smooth);
    // Per tile frame `index` reaches: the frame (8/16-bit or float, to_float's scale) times its
    // weight, and the weight (mats 2i and 2i + 1); none for a frame the depth map never names.
    Stacker::FrameWork prepare(const cv::Mat& frame, int index) const;
    // acc += weighted frame, weight_sum += weight, on those tiles.
    void merge(const Stacker::FrameWork& work, int index, cv::Mat& acc, cv::Mat& weight_sum) const;
    void clear();

private:
    cv::Rect tile_rect(int tile) const;

    cv::Mat depth_map_;
    int reach_ = 0, tile_ = 128, tiles_x_ = 0;
    Smooth smooth_;
    std::vector<std::vector<int>> tiles_of_frame_;
};

}  // namespace fstack
