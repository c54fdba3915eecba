// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Synthetic focus stacks with a known answer, shared by the tests and the benchmark.
//
// A scene is a sharp, procedurally textured image (the ground truth a perfect stacker would
// return) and a depth map (0 = near, 1 = far) with a sloped background and occluding foreground
// objects. Frame i of an N-frame stack is the scene seen through a thin lens focused at depth
// f_i = i / (N - 1): every pixel is spread over a disc of circle-of-confusion radius
// max_coc * |d - f_i| pixels, occlusion-aware (near layers cover the blur of far ones), in
// linear light, with Gaussian sensor noise. Frames are rendered on demand, so a 60-frame
// 4000x3000 stack never has to be held in memory.
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::synth {

struct SceneOptions {
    int width = 640;
    int height = 480;
    int frames = 8;
    unsigned seed = 1;          // texture, geometry and noise are all derived from it
    double max_coc = 8;         // CoC radius in pixels for |d - f| = 1
    double noise = 1.0;         // Gaussian noise sigma in 8-bit code values (x257 for 16-bit)
    bool sixteen_bit = false;   // CV_16U frames and ground truth instead of CV_8U
    int max_layers = 24;        // depth layers per frame: bounds the render time
};

struct Scene {
    SceneOptions options;
    cv::Mat ground_truth;  // sRGB BGR, CV_8UC3 or CV_16UC3: the all-in-focus image
    cv::Mat depth;         // CV_32FC1 in [0, 1], 0 = near (frame 0's focus)
    cv::Mat linear;        // CV_32FC3 linear-light copy of ground_truth, the renderer's input

    int frame_count() const { return options.frames; }
    // Depth the lens focuses at in frame i.
    double focus(int index) const;
};

// Builds the scene: texture, depth map and ground truth. Deterministic in `options`.
Scene make_scene(const SceneOptions& options);

// Renders frame `index` (0 = focused nearest) with the scene's noise; same type as ground_truth.
cv::Mat render_frame(const Scene& scene, int index);

// Renders a frame focused at an arbitrary depth, with noise sigma `noise` (8-bit units) drawn
// from `noise_seed`. render_frame(scene, i) == render_at(scene, scene.focus(i), options.noise,
// <the frame's seed>).
cv::Mat render_at(const Scene& scene, double focus, double noise, unsigned noise_seed);

// All frames in memory: only for small stacks.
std::vector<cv::Mat> render_all(const Scene& scene);

// Index of the frame whose focus is nearest each pixel's depth (CV_16U): the depth map an ideal
// stacker reports (Stacker::depth_map's convention).
cv::Mat ideal_index_map(const Scene& scene);

// The best-frame-per-pixel oracle: each pixel taken from the frame focused nearest its depth.
// Renders the frames one at a time. An upper reference for what per-pixel selection can reach.
cv::Mat oracle_stack(const Scene& scene);

// Pixels (CV_8U, 255) near a depth discontinuity, within the reach of the near side's largest
// blur: where a blurred occluder spills over the background in the frames focused behind it,
// so that no frame, and not even the oracle, shows the ground truth. Metrics can exclude it.
cv::Mat occlusion_band(const Scene& scene);

// Peak signal-to-noise ratio in dB of b against a, both scaled to [0, 1] (so 8- and 16-bit
// images compare), over all channels, ignoring a border of `border_frac` of each side where
// stackers legitimately differ, and, if `mask` (CV_8U, full size) is given, the pixels where it
// is 0. A grey image is compared with the luma of a colour one. +infinity for identical images.
double psnr(const cv::Mat& a, const cv::Mat& b, double border_frac = 0.03,
            const cv::Mat& mask = cv::Mat());

// Mean SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 = 0.01, K2 = 0.03) of the
// luma, with the same scaling, border crop and mask as psnr(). 1 = identical.
double ssim(const cv::Mat& a, const cv::Mat& b, double border_frac = 0.03,
            const cv::Mat& mask = cv::Mat());

}  // namespace fstack::synth
