// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/progress.hpp"

namespace fstack {

// Where every frame lies on the reference after alignment: the 3x3 map from frame pixels to
// reference pixels (full-frame units; the identity until AlignFrames has seen the frame, and for
// every frame of a stack without AlignFrames). Written by AlignFrames, read by the actions after
// it (BalanceFrames fits on the area two neighbours share) and by the crop of the result.
struct FrameGeometry {
    cv::Size frame_size;
    std::vector<cv::Matx33d> to_reference;
    std::vector<bool> aligned;  // AlignFrames has decided this frame's transform
    int reference_index = 0;
    // Per frame, written by AlignFrames where it measured them: the brightness-normalised
    // registration error of the frame against its neighbour without and with its step (0, 0:
    // not measured).
    std::vector<cv::Vec2d> registration_error;
};

// The rectangle (reference pixels) that every frame of `geometry` covers after its warp:
// focus-stack's crop. The whole frame when nothing moved.
cv::Rect covered_area(const FrameGeometry& geometry);

// What a frame action knows of the stack it works on.
struct FrameActionContext {
    int frame_count = 0;
    int reference_index = 0;
    // Largest code value of the frames (255 or 65535): frames reach the actions as float32 on
    // that scale, so thresholds given in code values keep their meaning.
    float max_value = 255.0f;
    // Folder for the PNG plots (created on demand); empty: the action writes no plots.
    std::filesystem::path plot_path;
    // The job's working folder: relative paths of action inputs (the noise mask) start there.
    std::filesystem::path working_path;
    // Names frame i in messages and plot file names (a file name, or "frame N").
    std::function<std::string(int)> frame_name;
    Progress* progress = &null_progress();
    // The analysing pass (begin / process) may see reduced copies of the frames: full-frame
    // pixels times this (1: full size). What an action remembers for replay() is in full-frame
    // units; replay() always gets full-size frames.
    double analysis_scale = 1.0;
    // What becomes of the frames process() returns. `feeds_analysis_only`: they go only to the
    // analysis of the actions after this one (every frame written out comes from replay()), so an
    // action may leave out what no analysis reads (a warp's border fill). `output_unused`:
    // no action comes after and none is written out, so the frame may be returned as it came.
    // Set per action by the pipeline for begin(); both false outside an analysing pass.
    bool feeds_analysis_only = false;
    bool output_unused = false;
    // Shared by the actions of one stack (never null inside a pipeline).
    std::shared_ptr<FrameGeometry> geometry;

    std::string name_of(int index) const;
    // File-name-safe stem for the plots of frame `index`.
    std::string plot_stem(int index) const;
};

// One preprocessing step of the seed's Actions (MaskNoise, Vignetting, AlignFrames,
// BalanceFrames). Frames come as CV_32F with the stack's channels, on the scale of
// context.max_value, and go out the same way.
//
// The visiting order is the seed's: the reference first (begin), then the frames after it
// outward, then the frames before it; each with the index of the frame it is processed against
// (its neighbour towards the reference with step_process, else the reference). An action keeps
// only what the next frames need (the reference's and the last frame's features), never all
// frames, and remembers per frame only a few numbers (a transform, gains) so that replay() can
// redo a frame without its neighbours: a stacker that reads the frames twice, or reads them in
// file order, gets the same result at the cost of the warp alone.
class FrameAction {
public:
    virtual ~FrameAction() = default;
    virtual std::string name() const = 0;

    // Starts a stack; returns the processed reference frame.
    virtual cv::Mat begin(const cv::Mat& reference, const FrameActionContext& context) = 0;
    // Processes frame `index` (first visit, in the order above).
    virtual cv::Mat process(const cv::Mat& frame, int index, int neighbour_index) = 0;
    // Processes frame `index` again as process() decided the first time (reference included).
    virtual cv::Mat replay(const cv::Mat& frame, int index) = 0;
    // A fresh action with the same options and no per-stack state.
    virtual std::unique_ptr<FrameAction> clone() const = 0;
    // True when replay() also takes, and returns, frames in their own depth (CV_8U / CV_16U,
    // code values) instead of float32: a pipeline of such actions never converts a full-size
    // frame to float.
    virtual bool replays_native() const { return false; }
    // True when begin() / process() work on copies reduced by context.analysis_scale.
    virtual bool analyses_reduced() const { return false; }
    // The gains this action applied to frame `index` (after process()), one per colour channel
    // in the frame's order (B, G, R), or one for all of them; empty where it applies none, or
    // corrects by something that is not a gain (a gamma, a curve, a warp).
    virtual std::vector<float> applied_gain(int index) const {
        (void)index;
        return {};
    }
};

// Converts an 8- or 16-bit frame to the float32 the actions work on, and back (rounded, clipped).
cv::Mat to_action_float(const cv::Mat& frame);
cv::Mat from_action_float(const cv::Mat& frame, int depth);
float max_code_value(int depth);

// Luminosity (BT.601 luma of BGR, or the grey channel) of a float frame.
cv::Mat luminosity(const cv::Mat& frame);

}  // namespace fstack
