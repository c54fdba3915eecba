// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"

namespace fstack {

// The seed's constants, C++ casing.
enum class Detector { Sift, Orb, Surf, Akaze, Brisk };
enum class Descriptor { Sift, Orb, Akaze, Brisk };
enum class MatchingMethod { Knn, NormHamming };
enum class AlignTransform { Rigid, Homography };
enum class BorderMode { Constant, Replicate, ReplicateBlur };

struct FeatureConfig {
    Detector detector = Detector::Sift;
    Descriptor descriptor = Descriptor::Sift;
};

struct MatchingConfig {
    // KNN: FLANN k-d trees for float descriptors (SIFT), brute-force Hamming k-NN for binary
    // ones (ORB, AKAZE, BRISK), both with the ratio test `threshold`.
    // NormHamming: brute-force Hamming with cross-check (binary descriptors only).
    MatchingMethod method = MatchingMethod::Knn;
    int flann_idx_kdtree = 2;
    int flann_trees = 5;
    int flann_checks = 50;
    double threshold = 0.75;
};

struct AlignmentConfig {
    AlignTransform transform = AlignTransform::Rigid;
    double rans_threshold = 5.0;  // RANSAC reprojection threshold, pixels of the full frame
    BorderMode border_mode = BorderMode::ReplicateBlur;
    cv::Scalar border_value{0, 0, 0, 0};  // code values of the frame's depth
    double border_blur = 50;              // Gaussian sigma of BORDER_REPLICATE_BLUR, pixels

    // fstack's own safeguards (not in the seed):
    // Features are detected on a copy whose longer side is at most this (0: full size); the
    // model is then fitted in full-frame pixels from all inliers. Where they give no estimate
    // (too few matches, an implausible one), they are found again on copies twice as large, up
    // to the analysed frame, before the phase-correlation fallback. Only the start of the
    // intensity refinement, which brings it to sub-pixel accuracy: 250 px copies end at the
    // same estimate as 500 px ones on the stacks tried, at half the analysis time.
    int max_feature_size = 250;
    // An estimate with fewer RANSAC inliers, a scale change beyond max_scale_change or a
    // rotation beyond max_rotation_deg (per step) is rejected: the frame falls back to phase
    // correlation (a shift only), with a warning naming it.
    int min_matches = 12;
    double max_scale_change = 0.1;
    double max_rotation_deg = 10.0;
    // Sub-pixel refinement of the feature estimate by intensity, coarse to fine, on band-pass
    // copies (robust to the neighbours' different defocus and brightness).
    bool refine = true;
    // --align auto: a frame's step is applied only where it measurably improves the frame's
    // registration to its neighbour; otherwise the frame stays exactly as it is.
    bool verify = false;
};

struct AlignPlotConfig {
    bool enabled = false;  // a PNG of the matches per frame, in the plot folder
    std::string path;      // unused, as in the seed
};

struct RigAlignment;

struct AlignFramesOptions {
    FeatureConfig feature_config;
    MatchingConfig matching_config;
    AlignmentConfig alignment_config;
    AlignPlotConfig plot_config;
    // A rig's alignment to apply instead of estimating one (rig_alignment.hpp): every frame is
    // warped by its transform (moved onto this stack's reference frame if that differs), and
    // only its fit is measured (the registration error against the neighbour without and with
    // it; a frame it fits worse than no alignment gets a warning). It must be for as many frames
    // of the same size (Error(Input) naming it otherwise).
    std::shared_ptr<const RigAlignment> reuse;
};

// The job-file keys of AlignFrames that are scalars, each in its section (feature_config,
// matching_config, alignment_config, plot_config). alignment_config.border_value (an array) and
// plot_config.path (a string) are read by each front end itself (frame_action_registry.hpp).
const ParamTable<AlignFramesOptions>& align_frames_params();

// The constructor's validation: align_frames_params().check(), then the combinations OpenCV
// cannot run (AKAZE descriptors without the AKAZE detector, Hamming matching of SIFT
// descriptors, SURF where OpenCV was built without it). Throws Error(Usage).
void check_align_options(const AlignFramesOptions& options);

// How one frame was aligned: the 3x3 map from its pixels to the reference's.
struct FrameAlignment {
    cv::Matx33d to_reference = cv::Matx33d::eye();
    // The chained estimate before near-identity snapping: the next frame's chain starts from it,
    // so that many sub-threshold steps still add up.
    cv::Matx33d estimated = cv::Matx33d::eye();
    int inliers = 0;
    bool fallback = false;  // phase correlation instead of features
    double step_noise_px = 0;  // standard error of the step against the neighbour, at the corners
    // The step against the neighbour (full-frame pixels) as estimated, before any decision, and
    // the brightness-normalised registration error of the frame to its neighbour without and
    // with it (0 when not measured).
    cv::Matx33d step = cv::Matx33d::eye();
    double error_before = 0, error_after = 0;
    bool refined = false;  // the intensity refinement converged
    bool applied = true;   // the step was applied (--align auto keeps steps that do not help)
};

// The seed's AlignFrames: registers every frame onto the reference (rotation, uniform scale and
// shift, or a full homography), chaining through neighbours with step_process.
class AlignFrames : public FrameAction {
public:
    explicit AlignFrames(AlignFramesOptions options = {});
    std::string name() const override { return "AlignFrames"; }
    cv::Mat begin(const cv::Mat& reference, const FrameActionContext& context) override;
    cv::Mat process(const cv::Mat& frame, int index, int neighbour_index) override;
    cv::Mat replay(const cv::Mat& frame, int index) override;
    std::unique_ptr<FrameAction> clone() const override;
    bool replays_native() const override { return true; }
    bool analyses_reduced() const override { return true; }

    const AlignFramesOptions& options() const { return options_; }
    // The alignment found for frame `index` (after process()).
    const FrameAlignment& alignment(int index) const;

    // Features of one frame at detection scale (kept for the reference and one neighbour), and
    // its registration pyramid at the analysis scale.
    struct Features {
        std::vector<cv::KeyPoint> keypoints;
        cv::Mat descriptors;
        cv::Mat small;         // 8-bit grey detection copy (matches plot, fallback)
        double scale = 1.0;    // detection copy / analysed frame
        cv::Mat grey;          // the analysed frame in 8-bit grey, where small is reduced from it
        std::shared_ptr<const struct RegistrationPyramid> pyramid;
    };

private:
    Features detect(const cv::Mat& frame) const;
    // The keypoints and descriptors of f, on a copy of f's grey frame at most `limit` pixels long.
    void detect_features(Features& f, int limit) const;
    cv::Matx33d estimate_step(const Features& moving, const Features& fixed, int index, int neighbour,
                              FrameAlignment& result) const;
    cv::Matx33d decide_step(const cv::Matx33d& step, const Features& moving, const Features& fixed,
                            FrameAlignment& result) const;
    // With options().reuse: frame `index`'s transform from the rig's alignment, and its fit.
    cv::Matx33d reuse_step(const Features& moving, const Features& fixed, int index, int neighbour,
                           FrameAlignment& result) const;
    cv::Mat warp(const cv::Mat& frame, const cv::Matx33d& to_reference) const;
    bool plot_config_enabled() const;

    AlignFramesOptions options_;
    FrameActionContext context_;
    cv::Ptr<cv::Feature2D> detector_, extractor_;
    std::map<int, Features> features_;          // the reference's and the last frame's
    std::vector<FrameAlignment> alignments_;    // per frame: a few numbers, never pixels
    std::vector<char> known_;  // char, not bool: replay() reads while the analysing thread writes
    // Analysed frame pixels -> full-frame pixels, and the full frame's size.
    cv::Matx33d to_full_ = cv::Matx33d::eye();
    cv::Size full_size_;
    std::shared_ptr<const RigAlignment> reuse_;  // options_.reuse on this stack's reference
};

}  // namespace fstack
