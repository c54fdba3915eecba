// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Focus stacks that move by known amounts, for the alignment tests and the benchmark.
//
// The scene is a continuous procedural texture (multi-octave value noise with bicubic
// interpolation, patches with soft edges, a smooth colour field, areas with almost no detail) on
// a smooth depth surface (0 = near, 1 = far). Frame i is focused at a depth sweeping
// [-focus_margin, 1 + focus_margin], so both ends of the stack are out of focus everywhere, and
// seen through a known similarity (breathing scale growing monotonically through the stack,
// shift, rotation about the frame centre) with a gain and sensor noise.
//
// The frame is rendered from the scene directly: every frame pixel is mapped to reference
// coordinates by the exact transform and the texture is evaluated there, then defocused in
// frame coordinates by a Gaussian of the frame's own scale (blur commutes with the similarity).
// No image is resampled, so the ground-truth transforms hold to floating-point precision.
// The reference frame (count / 2) has the identity transform and gain 1.
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

namespace fstack::synth {

// Where one frame lies: reference pixel u maps to frame pixel c + scale * R(angle) * (u - c) +
// (dx, dy), c the frame centre ((w - 1) / 2, (h - 1) / 2); pixel values times `gain`.
struct FrameMotion {
    double scale = 1, angle_deg = 0, dx = 0, dy = 0;
    double gain = 1;
};

struct WarpedStackOptions {
    int width = 800;
    int height = 600;
    int frames = 10;
    unsigned seed = 1;           // texture, depth, motions and noise all derive from it
    bool sixteen_bit = false;    // CV_16UC3 instead of CV_8UC3
    // Motion: frame scales run linearly from 1 - breathing (frame 0) to 1 + breathing (last),
    // 1 at the reference; shifts (each axis), rotations and gains are drawn uniformly per frame.
    double breathing = 0.03;
    double max_shift = 30;       // pixels
    double max_rotation_deg = 1;
    double max_gain = 0.10;      // gain in [1 - max_gain, 1 + max_gain]
    // Defocus: Gaussian sigma (frame pixels at scale 1) for |depth - focus| = 1.
    double max_blur = 6;
    double focus_margin = 0.25;
    // Texture: amplitude of the detail (0: smooth colour only), share of the area where the
    // detail fades to almost nothing, and the finest octave's cell (pixels).
    double texture = 1;
    double low_texture = 0.3;
    double finest_cell = 2.5;
    double noise = 1;            // Gaussian sigma, 8-bit code values (x257 for 16-bit)
};

inline int reference_of(int frames) { return frames / 2; }

// The depth frame `index` is focused at (also WarpedStack::focus).
double focus_depth(const WarpedStackOptions& options, int index);

// The motions drawn for `options` (cheap: no pixels). The reference's is the identity.
std::vector<FrameMotion> draw_motions(const WarpedStackOptions& options);

// Reference pixels -> frame pixels, and its inverse: frame pixels -> reference pixels, the
// convention of fstack::FrameGeometry::to_reference.
cv::Matx33d from_reference(const FrameMotion& motion, cv::Size size);
cv::Matx33d to_reference(const FrameMotion& motion, cv::Size size);

// Largest distance, over the frame's four corner pixels, between where two frame->reference
// maps put them (reference pixels).
double corner_error(const cv::Matx33d& estimate, const cv::Matx33d& truth, cv::Size size);

class WarpedStack {
public:
    explicit WarpedStack(const WarpedStackOptions& options);
    // Motions given explicitly (one per frame; the reference's should be the identity).
    WarpedStack(const WarpedStackOptions& options, std::vector<FrameMotion> motions);

    const WarpedStackOptions& options() const { return options_; }
    int size() const { return options_.frames; }
    int reference() const { return reference_of(options_.frames); }
    cv::Size frame_size() const { return {options_.width, options_.height}; }
    const std::vector<FrameMotion>& motions() const { return motions_; }
    cv::Matx33d to_reference(int index) const;
    double focus(int index) const;  // depth frame `index` is focused at

    // Frame `index`, CV_8UC3 or CV_16UC3 (BGR). Deterministic; uses OpenCV's threads.
    cv::Mat render(int index) const;
    std::vector<cv::Mat> render_all() const;

    struct Texture;  // the procedural scene (grids of random values)

private:
    WarpedStackOptions options_;
    std::vector<FrameMotion> motions_;
    std::shared_ptr<const Texture> texture_;
};

}  // namespace fstack::synth
