// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/align_frames.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "actions/align/feature_matching.hpp"
#include "actions/align/frame_warp.hpp"
#include "actions/align/refine.hpp"
#include "fstack/error.hpp"
#include "fstack/plot.hpp"
#include "fstack/rig_alignment.hpp"

namespace fstack {

namespace {

constexpr double kPi = 3.14159265358979323846;
// A transform that moves no corner by more than this is the identity: a motionless stack must
// come out untouched, not resampled by a noise-level estimate.
constexpr double kIdentityPx = 0.1;

cv::Matx33d to33(const cv::Mat& m) {
    cv::Matx33d out = cv::Matx33d::eye();
    for (int r = 0; r < m.rows; ++r)
        for (int c = 0; c < 3; ++c) out(r, c) = m.at<double>(r, c);
    return out;
}

// Least-squares similarity (x' = a x - b y + tx, y' = b x + a y + ty) on the given pairs.
cv::Matx33d fit_similarity(const std::vector<cv::Point2f>& src, const std::vector<cv::Point2f>& dst) {
    const int n = static_cast<int>(src.size());
    cv::Mat A(2 * n, 4, CV_64F), b(2 * n, 1, CV_64F);
    for (int i = 0; i < n; ++i) {
        const double x = src[i].x, y = src[i].y;
        double* r0 = A.ptr<double>(2 * i);
        double* r1 = A.ptr<double>(2 * i + 1);
        r0[0] = x, r0[1] = -y, r0[2] = 1, r0[3] = 0;
        r1[0] = y, r1[1] = x, r1[2] = 0, r1[3] = 1;
        b.at<double>(2 * i) = dst[i].x;
        b.at<double>(2 * i + 1) = dst[i].y;
    }
    cv::Mat p;
    cv::solve(A, b, p, cv::DECOMP_SVD);
    const double a = p.at<double>(0), s = p.at<double>(1);
    return {a, -s, p.at<double>(2), s, a, p.at<double>(3), 0, 0, 1};
}

double residual(const cv::Matx33d& m, cv::Point2f s, cv::Point2f d) {
    const cv::Vec3d q = m * cv::Vec3d(s.x, s.y, 1);
    return std::hypot(q[0] / q[2] - d.x, q[1] / q[2] - d.y);
}

// Scale and rotation of the linear part, for the plausibility checks and the log.
void scale_rotation(const cv::Matx33d& m, double& scale, double& degrees) {
    const double a = m(0, 0) / m(2, 2), b = m(0, 1) / m(2, 2), c = m(1, 0) / m(2, 2), d = m(1, 1) / m(2, 2);
    scale = std::sqrt(std::abs(a * d - b * c));
    degrees = std::atan2(c - b, a + d) * 180.0 / kPi;
}

// Standard error (pixels) of where the fitted step puts the frame's corners: the residual
// spread of the matches over the square root of their number, magnified by how far the corners
// lie outside the matches' spread. A step below a few times this is indistinguishable from no
// motion at all.
double corner_uncertainty(const cv::Matx33d& m, const std::vector<cv::Point2f>& src, const std::vector<cv::Point2f>& dst,
                          cv::Size2d size) {
    const size_t n = src.size();
    if (n < 3) return 0;
    double sq = 0;
    cv::Point2d centre(0, 0);
    for (size_t i = 0; i < n; ++i) sq += std::pow(residual(m, src[i], dst[i]), 2), centre += cv::Point2d(src[i]);
    centre *= 1.0 / static_cast<double>(n);
    double spread = 0;
    for (const auto& p : src) spread += std::pow(cv::norm(cv::Point2d(p) - centre), 2);
    spread = std::sqrt(spread / static_cast<double>(n)) + 1e-9;
    const double sigma = std::sqrt(sq / static_cast<double>(n));
    const double corner = std::hypot(size.width / 2, size.height / 2);
    return sigma * std::sqrt(2.0 / static_cast<double>(n)) * (1.0 + corner / spread);
}

std::string describe(const cv::Matx33d& m) {
    double s, deg;
    scale_rotation(m, s, deg);
    char buf[160];
    std::snprintf(buf, sizeof buf, "scale %.6f, rotation %.4f deg, shift (%.3f, %.3f) px", s, deg, m(0, 2), m(1, 2));
    return buf;
}

}  // namespace

const ParamTable<AlignFramesOptions>& align_frames_params() {
    using T = ParamTable<AlignFramesOptions>;
    using O = AlignFramesOptions;
    using F = FeatureConfig;
    using M = MatchingConfig;
    using A = AlignmentConfig;
    static const T table({
        T::member_of(&O::feature_config, &F::detector, "feature_config",
                     {"detector", "_Detector", "Feature detector (surf: only where OpenCV has the non-free module)",
                      {}, 0, 0, false, false, false,
                      {{"DETECTOR_SIFT", "sift", "SIFT"}, {"DETECTOR_ORB", "orb", "ORB"}, {"DETECTOR_SURF", "surf", "SURF"},
                       {"DETECTOR_AKAZE", "akaze", "AKAZE"}, {"DETECTOR_BRISK", "brisk", "BRISK"}}}),
        T::member_of(&O::feature_config, &F::descriptor, "feature_config",
                     {"descriptor", "D_escriptor", "Feature descriptor (akaze needs the AKAZE detector)",
                      {}, 0, 0, false, false, false,
                      {{"DESCRIPTOR_SIFT", "sift", "SIFT"}, {"DESCRIPTOR_ORB", "orb", "ORB"},
                       {"DESCRIPTOR_AKAZE", "akaze", "AKAZE"}, {"DESCRIPTOR_BRISK", "brisk", "BRISK"}}}),
        T::member_of(&O::matching_config, &M::method, "matching_config",
                     {"method", "_Matching", "knn: nearest two with the ratio test; norm-hamming: cross-checked "
                                             "Hamming (binary descriptors only)",
                      {}, 0, 0, false, false, false,
                      {{"MATCHING_KNN", "knn", "k nearest"}, {"MATCHING_NORM_HAMMING", "norm-hamming", "Hamming"}}}),
        T::member_of(&O::matching_config, &M::flann_idx_kdtree, "matching_config",
                     {"flann_idx_kdtree", "FLANN _index", "The seed's FLANN index type (read, unused: the k-d tree "
                                                          "index is always used)", {}, 0, 255}),
        T::member_of(&O::matching_config, &M::flann_trees, "matching_config",
                     {"flann_trees", "FLANN _trees", "Trees of FLANN's k-d tree index (float descriptors)", {}, 1, 64}),
        T::member_of(&O::matching_config, &M::flann_checks, "matching_config",
                     {"flann_checks", "FLANN _checks", "Leaves FLANN visits per query (float descriptors)", {}, 1,
                      100000}),
        T::member_of(&O::matching_config, &M::threshold, "matching_config",
                     {"threshold", "Ratio _threshold", "A match is kept when its distance is below this fraction of "
                                                       "the second nearest's", {}, 0, 1, true, false}),
        T::member_of(&O::alignment_config, &A::transform, "alignment_config",
                     {"transform", "T_ransform", "rigid: rotation, uniform scale and shift; homography: full "
                                                 "perspective", {}, 0, 0, false, false, false,
                      {{"ALIGN_RIGID", "rigid", "Rigid"}, {"ALIGN_HOMOGRAPHY", "homography", "Homography"}}}),
        T::member_of(&O::alignment_config, &A::rans_threshold, "alignment_config",
                     {"rans_threshold", "RANSAC t_hreshold", "RANSAC reprojection threshold, pixels of the full frame",
                      {}, 0, 1000, true, false}),
        T::member_of(&O::alignment_config, &A::border_mode, "alignment_config",
                     {"border_mode", "_Border", "What fills the area a warped frame does not cover (constant: "
                                                "border_value)", {}, 0, 0, false, false, false,
                      {{"BORDER_CONSTANT", "constant", "Constant"}, {"BORDER_REPLICATE", "replicate", "Replicate"},
                       {"BORDER_REPLICATE_BLUR", "replicate-blur", "Replicate, blurred"}}}),
        T::member_of(&O::alignment_config, &A::border_blur, "alignment_config",
                     {"border_blur", "Border b_lur", "Gaussian sigma of replicate-blur's border, pixels", {}, 0, 1000}),
        T::member_of(&O::alignment_config, &A::max_feature_size, "alignment_config",
                     {"max_feature_size", "Max _feature size", "Features are found on a copy whose longer side is at "
                                                               "most this, pixels (0: full size); where they give no "
                                                               "estimate, again on copies twice as large", {}, 0, 100000}),
        T::member_of(&O::alignment_config, &A::min_matches, "alignment_config",
                     {"min_matches", "Min mat_ches", "Fewer agreeing matches than this: the frame is shifted by phase "
                                                     "correlation instead", {}, 4, 1000000}),
        T::member_of(&O::alignment_config, &A::max_scale_change, "alignment_config",
                     {"max_scale_change", "Max _scale change", "A step changing the scale by more than this fraction "
                                                               "is rejected (phase correlation instead)", {}, 0, 10}),
        T::member_of(&O::alignment_config, &A::max_rotation_deg, "alignment_config",
                     {"max_rotation_deg", "Max r_otation", "A step rotating by more than this, degrees, is rejected "
                                                           "(phase correlation instead)", {}, 0, 180}),
        T::member_of(&O::plot_config, &AlignPlotConfig::enabled, "plot_config",
                     {"enabled", "_Plot matches", "Write a PNG of each frame's matches to the plot folder"}),
    });
    return table;
}

void check_align_options(const AlignFramesOptions& o) {
    align_frames_params().check(o);
    const auto& f = o.feature_config;
    if (f.descriptor == Descriptor::Akaze && f.detector != Detector::Akaze)
        throw Error(ErrorKind::Usage, "DESCRIPTOR_AKAZE needs DETECTOR_AKAZE (it uses AKAZE's own keypoints)");
    if (o.matching_config.method == MatchingMethod::NormHamming && !is_binary(f.descriptor))
        throw Error(ErrorKind::Usage,
                    "MATCHING_NORM_HAMMING needs a binary descriptor (ORB, AKAZE or BRISK), not SIFT");
    make_detector(f.detector);  // SURF: says now, not at the first frame, that it is missing
}

AlignFrames::AlignFrames(AlignFramesOptions options) : options_(std::move(options)) {
    check_align_options(options_);
}

std::unique_ptr<FrameAction> AlignFrames::clone() const { return std::make_unique<AlignFrames>(options_); }

const FrameAlignment& AlignFrames::alignment(int index) const {
    if (index < 0 || index >= static_cast<int>(known_.size()) || !known_[index])
        throw Error(ErrorKind::Internal, "AlignFrames: frame " + std::to_string(index + 1) + " not aligned yet");
    return alignments_[index];
}

namespace {

// OpenCV 4.6's SIFT descriptor reads another detector's keypoint octave field as its own packed
// octave (ORB keeps its pyramid level there: a keypoint of level 7 is described on a copy of a
// 128th of the size), and it overruns a buffer when the window is clipped to such a copy
// (opencv#26139, fixed in 4.11; ORB+SIFT on 500 px copies aborted with "double free"). The
// keypoints are described at full scale instead, and those whose window would reach past the
// image's diagonal are left out.
void sift_safe(std::vector<cv::KeyPoint>& keypoints, cv::Size size) {
    // SIFT's window radius: 3 sigma * sqrt(2) * (4 + 1) / 2 with sigma half the keypoint size.
    const double limit = 0.9 * std::hypot(size.width, size.height) / (3 * 0.5 * std::sqrt(2.0) * 2.5);
    std::vector<cv::KeyPoint> kept;
    kept.reserve(keypoints.size());
    for (cv::KeyPoint k : keypoints) {
        if (!(k.size > 0 && k.size <= limit)) continue;
        k.octave = 0;
        kept.push_back(k);
    }
    keypoints.swap(kept);
}

}  // namespace

AlignFrames::Features AlignFrames::detect(const cv::Mat& frame) const {
    Features f;
    const cv::Mat lum = luminosity(frame);
    if (options_.alignment_config.refine || options_.alignment_config.verify || reuse_) {
        cv::Mat unit;
        lum.convertTo(unit, CV_32F, 1.0 / context_.max_value);
        f.pyramid = std::make_shared<RegistrationPyramid>(registration_pyramid(unit));
    }
    if (reuse_) return f;  // a rig's alignment is applied, not estimated: no features needed
    lum.convertTo(f.grey, CV_8U, 255.0 / context_.max_value);
    detect_features(f, options_.alignment_config.max_feature_size);
    if (f.scale == 1.0) f.grey.release();  // small is the grey frame itself
    return f;
}

void AlignFrames::detect_features(Features& f, int limit) const {
    const cv::Mat grey = f.grey.empty() ? f.small : f.grey;
    const int longest = std::max(grey.cols, grey.rows);
    f.keypoints.clear();
    f.descriptors.release();
    if (limit > 0 && longest > limit) {
        f.scale = static_cast<double>(limit) / longest;
        cv::resize(grey, f.small, cv::Size(), f.scale, f.scale, cv::INTER_AREA);
    } else {
        f.scale = 1.0;
        f.small = grey;
    }
    const auto& fc = options_.feature_config;
    const bool same = (fc.detector == Detector::Sift && fc.descriptor == Descriptor::Sift) ||
                      (fc.detector == Detector::Orb && fc.descriptor == Descriptor::Orb) ||
                      (fc.detector == Detector::Akaze && fc.descriptor == Descriptor::Akaze) ||
                      (fc.detector == Detector::Brisk && fc.descriptor == Descriptor::Brisk);
    if (same) {
        detector_->detectAndCompute(f.small, cv::noArray(), f.keypoints, f.descriptors);
    } else {
        detector_->detect(f.small, f.keypoints);
        if (fc.descriptor == Descriptor::Sift) sift_safe(f.keypoints, f.small.size());
        extractor_->compute(f.small, f.keypoints, f.descriptors);
    }
}

cv::Mat AlignFrames::begin(const cv::Mat& reference, const FrameActionContext& context) {
    context_ = context;
    detector_ = make_detector(options_.feature_config.detector);
    extractor_ = make_extractor(options_.feature_config.descriptor);
    features_.clear();
    alignments_.assign(static_cast<size_t>(context.frame_count), FrameAlignment{});
    known_.assign(static_cast<size_t>(context.frame_count), 0);
    // The analysed frames may be reduced copies: steps are found in their pixels and kept in
    // full-frame pixels (pixel centres map onto pixel centres).
    full_size_ = context.geometry && context.geometry->frame_size.area() > 0 ? context.geometry->frame_size
                                                                             : reference.size();
    // The pipeline's reduced copies: a whole factor, the last partial block left out.
    const bool scaled = context.analysis_scale > 0 && context.analysis_scale < 1;
    const double sx = scaled ? context.analysis_scale : double(reference.cols) / full_size_.width;
    const double sy = scaled ? context.analysis_scale : double(reference.rows) / full_size_.height;
    to_full_ = cv::Matx33d(sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5, 0, 0, 1).inv();
    const int ref = context.reference_index;
    reuse_.reset();
    if (options_.reuse) {
        check_alignment_fits(*options_.reuse, context.frame_count, full_size_, options_.reuse->source);
        reuse_ = std::make_shared<const RigAlignment>(rebased(*options_.reuse, ref));
    }
    features_[ref] = detect(reference);
    known_[ref] = 1;
    if (context_.geometry) context_.geometry->aligned.at(ref) = true;
    return reference;
}

namespace {

using Features = AlignFrames::Features;

// The feature matches between two frames, and their positions in full-frame pixels.
struct MatchedPoints {
    std::vector<cv::DMatch> matches;
    std::vector<cv::Point2f> src, dst;  // in the moving frame, in the fixed one
};

MatchedPoints match_points(const Features& moving, const Features& fixed, const AlignFramesOptions& o) {
    MatchedPoints p;
    p.matches = match_features(moving.descriptors, fixed.descriptors, o.feature_config.descriptor, o.matching_config);
    for (const auto& m : p.matches) {
        p.src.push_back(moving.keypoints[m.queryIdx].pt / moving.scale);
        p.dst.push_back(fixed.keypoints[m.trainIdx].pt / fixed.scale);
    }
    return p;
}

// RANSAC's estimate of the step into `step`; "" or what went wrong.
std::string ransac_estimate(const MatchedPoints& p, const AlignmentConfig& ac, cv::Matx33d& step) {
    if (static_cast<int>(p.matches.size()) < ac.min_matches)
        return "only " + std::to_string(p.matches.size()) + " feature matches";
    std::vector<uchar> inlier;
    cv::Mat m;
    if (ac.transform == AlignTransform::Rigid)
        m = cv::estimateAffinePartial2D(p.src, p.dst, inlier, cv::RANSAC, ac.rans_threshold, 5000, 0.995, 10);
    else
        m = cv::findHomography(p.src, p.dst, cv::RANSAC, ac.rans_threshold, inlier, 5000, 0.995);
    if (m.empty()) return "no transform fits the feature matches";
    step = to33(m);
    return {};
}

// Sub-pixel refit: RANSAC's tolerance (rans_threshold) admits matches a few pixels off; `step` is
// refitted on the matches that agree to within `tol` (a pixel of the detection scale), and
// result's inliers and step noise set from them. "" or what went wrong.
std::string refit(const MatchedPoints& p, const AlignmentConfig& ac, double tol, cv::Size2d frame_size,
                  cv::Matx33d& step, FrameAlignment& result) {
    for (int round = 0; round < 2; ++round) {
        std::vector<cv::Point2f> s, d;
        for (size_t i = 0; i < p.src.size(); ++i)
            if (residual(step, p.src[i], p.dst[i]) < (round == 0 ? 2 * tol : tol)) s.push_back(p.src[i]), d.push_back(p.dst[i]);
        if (static_cast<int>(s.size()) < ac.min_matches) break;
        if (ac.transform == AlignTransform::Rigid) step = fit_similarity(s, d);
        else {
            const cv::Mat h = cv::findHomography(s, d, 0);
            if (!h.empty()) step = to33(h);
        }
        result.inliers = static_cast<int>(s.size());
        result.step_noise_px = corner_uncertainty(step, s, d, frame_size);
    }
    if (result.inliers < ac.min_matches) return "only " + std::to_string(result.inliers) + " matches agree on one transform";
    return {};
}

// "" when the step's scale change and rotation are within the limits and it does not mirror.
std::string implausibility(const cv::Matx33d& step, const AlignmentConfig& ac) {
    double scale, degrees;
    scale_rotation(step, scale, degrees);
    if (std::abs(scale - 1) > ac.max_scale_change || std::abs(degrees) > ac.max_rotation_deg || cv::determinant(step) <= 0)
        return "implausible estimate (" + describe(step) + ")";
    return {};
}

// The PNG of the matches that `step` puts within `tol` of their partner.
void plot_matches(const FrameActionContext& context, int index, const Features& moving, const Features& fixed,
                  const MatchedPoints& p, const cv::Matx33d& step, double tol) {
    std::vector<cv::DMatch> shown;
    for (size_t i = 0; i < p.matches.size(); ++i)
        if (residual(step, p.src[i], p.dst[i]) < tol) shown.push_back(p.matches[i]);
    cv::Mat canvas;
    cv::drawMatches(moving.small, moving.keypoints, fixed.small, fixed.keypoints, shown, canvas, cv::Scalar(0, 200, 0),
                    cv::Scalar(0, 0, 255), {}, cv::DrawMatchesFlags::NOT_DRAW_SINGLE_POINTS);
    write_plot(context.plot_path / ("align-matches-" + context.plot_stem(index) + ".png"), canvas);
}

// The fallback: a shift by phase correlation, which needs no features and cannot invent a scale
// or a rotation (the identity where the correlation is too weak); `how` says which.
cv::Matx33d phase_shift(const Features& moving, const Features& fixed, std::string& how) {
    cv::Mat a, b, window;
    moving.small.convertTo(a, CV_32F);
    fixed.small.convertTo(b, CV_32F);
    cv::createHanningWindow(window, a.size(), CV_32F);
    double response = 0;
    const cv::Point2d shift = cv::phaseCorrelate(a, b, window, &response);
    cv::Matx33d t = cv::Matx33d::eye();
    how = "kept unaligned";
    if (response > 0.02) {
        t(0, 2) = shift.x / moving.scale;
        t(1, 2) = shift.y / moving.scale;
        char buf[96];
        std::snprintf(buf, sizeof buf, "shifted by (%.2f, %.2f) px from phase correlation", t(0, 2), t(1, 2));
        how = buf;
    }
    return t;
}

}  // namespace

// Features matched, RANSAC, the sub-pixel refit and the plausibility checks; the phase
// correlation shift, with a warning, where any of them fails. In analysed-frame pixels.
cv::Matx33d AlignFrames::estimate_step(const Features& moving, const Features& fixed, int index, int neighbour,
                                       FrameAlignment& result) const {
    AlignmentConfig ac = options_.alignment_config;
    ac.rans_threshold /= to_full_(0, 0);  // given in full-frame pixels
    cv::Matx33d step = cv::Matx33d::eye();
    const auto attempt = [&](const Features& m, const Features& f) {
        const MatchedPoints p = match_points(m, f, options_);
        const double tol = 1.0 / std::min(m.scale, f.scale);  // a pixel of the detection scale
        const cv::Size2d frame_size(m.small.cols / m.scale, m.small.rows / m.scale);
        step = cv::Matx33d::eye();
        result.inliers = 0;
        std::string problem = ransac_estimate(p, ac, step);
        if (problem.empty()) problem = refit(p, ac, tol, frame_size, step, result);
        if (problem.empty()) problem = implausibility(step, ac);
        if (plot_config_enabled() && !context_.plot_path.empty()) plot_matches(context_, index, m, f, p, step, tol);
        return problem;
    };
    std::string problem = attempt(moving, fixed);
    // Too few features on the reduced copies (a small subject, little texture): found again on
    // copies twice as large, up to the analysed frames themselves.
    Features m = moving, f = fixed;
    for (int limit = ac.max_feature_size * 2; !problem.empty() && !m.grey.empty() && !f.grey.empty() && m.scale < 1;
         limit *= 2) {
        context_.progress->log(LogLevel::Debug, context_.name_of(index) + ": features on " +
                                                    std::to_string(std::max(m.small.cols, m.small.rows)) +
                                                    " px copies: " + problem + "; again on " + std::to_string(limit) +
                                                    " px copies");
        detect_features(m, limit);
        detect_features(f, limit);
        problem = attempt(m, f);
    }
    if (problem.empty()) return step;

    result.fallback = true;
    result.inliers = 0;
    std::string how;
    const cv::Matx33d t = phase_shift(m, f, how);  // on the largest copies tried
    // --align auto checks every step against the frames themselves: a featureless pair (smooth
    // defocus) is not a failure there, only a note for --verbose.
    context_.progress->log(options_.alignment_config.verify ? LogLevel::Debug : LogLevel::Warning,
                           context_.name_of(index) + ": alignment against " + context_.name_of(neighbour) +
                               " failed (" + problem + "); " + how);
    return t;
}

bool AlignFrames::plot_config_enabled() const { return options_.plot_config.enabled; }

// The intensity refinement of a step (analysed pixels), and with --align auto the decision
// whether the frame moves at all: a step is applied only where it lowers the frame's
// registration error against its neighbour by more than the noise of that error. Returns the
// step to chain (the identity where it is not applied).
cv::Matx33d AlignFrames::decide_step(const cv::Matx33d& estimate, const Features& moving, const Features& fixed,
                                     FrameAlignment& result) const {
    const auto& ac = options_.alignment_config;
    cv::Matx33d step = estimate;
    const double full_px = to_full_(0, 0);  // full-frame pixels per analysed pixel
    result.step_noise_px *= full_px;        // the features' estimate was in analysed pixels
    if (moving.pyramid && fixed.pyramid) {
        if (ac.refine) {
            const Registration r = refine_registration(*moving.pyramid, *fixed.pyramid, estimate, ac.transform);
            result.error_before = r.error_identity;
            result.error_after = r.error_step;
            result.refined = r.converged;
            if (r.converged) {
                step = r.step;
                result.step_noise_px = r.corner_sigma * full_px;
            }
        } else {
            result.error_before = registration_error(*moving.pyramid, *fixed.pyramid, cv::Matx33d::eye());
            result.error_after = registration_error(*moving.pyramid, *fixed.pyramid, estimate);
        }
        if (implausibility(step, ac).size()) step = estimate;
    }
    const cv::Matx33d full = to_full_ * step * to_full_.inv();
    result.step = full;
    const double moved = max_displacement(full, full_size_);
    // A step within its own noise is no motion: chaining such steps would add up the noise
    // (a motionless stack drifting by a tenth of a pixel over ten frames).
    bool apply = !(moved < 3 * result.step_noise_px) || result.fallback;
    if (ac.verify) {
        // Measurable: the error falls by more than a twentieth of itself (a defocus change alone
        // lets the fit find a false step that gains a percent or two), and the frame moves by
        // more than kIdentityPx somewhere.
        const bool better = result.error_after < result.error_before * 0.95;
        apply = apply && moved >= kIdentityPx && better;
    }
    result.applied = apply;
    return apply ? full : cv::Matx33d::eye();
}

cv::Matx33d AlignFrames::reuse_step(const Features& moving, const Features& fixed, int index, int neighbour,
                                    FrameAlignment& result) const {
    const cv::Matx33d t = reuse_->to_reference.at(size_t(index));
    result.step = alignments_.at(size_t(neighbour)).estimated.inv() * t;
    result.applied = true;
    if (moving.pyramid && fixed.pyramid) {
        const cv::Matx33d analysed = to_full_.inv() * result.step * to_full_;
        result.error_before = registration_error(*moving.pyramid, *fixed.pyramid, cv::Matx33d::eye());
        result.error_after = registration_error(*moving.pyramid, *fixed.pyramid, analysed);
        char buf[200];
        std::snprintf(buf, sizeof buf, "the reused alignment fits worse than none (registration error %.4f -> %.4f)",
                      result.error_before, result.error_after);
        if (result.error_after > result.error_before * 1.05 && max_displacement(result.step, full_size_) >= kIdentityPx)
            context_.progress->log(LogLevel::Warning, context_.name_of(index) + ": " + buf +
                                                          ": is this stack from the same rig?");
    }
    return t;
}

cv::Mat AlignFrames::process(const cv::Mat& frame, int index, int neighbour_index) {
    auto nb = features_.find(neighbour_index);
    if (nb == features_.end() || !known_.at(neighbour_index))
        throw Error(ErrorKind::Internal, "AlignFrames: frames visited out of order");
    Features moving = detect(frame);
    FrameAlignment& result = alignments_.at(index);
    if (reuse_) {
        result.estimated = reuse_step(moving, nb->second, index, neighbour_index, result);
    } else {
        const cv::Matx33d estimate = estimate_step(moving, nb->second, index, neighbour_index, result);
        const cv::Matx33d step = decide_step(estimate, moving, nb->second, result);
        result.estimated = alignments_[neighbour_index].estimated * step;
    }
    cv::Matx33d t = result.estimated;
    if (max_displacement(t, full_size_) < kIdentityPx) t = cv::Matx33d::eye();
    result.to_reference = t;
    known_[index] = 1;
    if (context_.geometry) {
        context_.geometry->to_reference.at(index) = t;
        context_.geometry->aligned.at(index) = true;
        if (size_t(index) < context_.geometry->registration_error.size())
            context_.geometry->registration_error[size_t(index)] = cv::Vec2d(result.error_before, result.error_after);
    }
    char errors[96] = "";
    if (result.error_before > 0 || result.error_after > 0)
        std::snprintf(errors, sizeof errors, "; registration error %.4f -> %.4f", result.error_before,
                      result.error_after);
    context_.progress->log(LogLevel::Debug,
                           context_.name_of(index) + " against " + context_.name_of(neighbour_index) + ": step " +
                               describe(result.step) + " (" + std::to_string(result.inliers) + " inliers" +
                               (result.fallback ? ", phase correlation" : "") + (result.refined ? ", refined" : "") +
                               (reuse_ ? ", reused" : "") +
                               ")" + errors + "; " + (result.applied ? "applied" : "not applied (no measurable gain)") +
                               "; to the reference: " + (t == cv::Matx33d::eye() ? "unchanged" : describe(t)));
    // Keep the reference's features and this frame's (the next frame's neighbour) only.
    const int ref = context_.reference_index;
    for (auto it = features_.begin(); it != features_.end();)
        it = (it->first == ref) ? std::next(it) : features_.erase(it);
    if (index != ref) features_[index] = std::move(moving);
    if (context_.output_unused) return frame;
    // A reduced copy: warped by the same map in its own pixels.
    const cv::Matx33d m = frame.size() != full_size_ && t != cv::Matx33d::eye() ? to_full_.inv() * t * to_full_ : t;
    if (context_.feeds_analysis_only) return m == cv::Matx33d::eye() ? frame : warp_for_analysis(frame, m);
    return warp(frame, m);
}

cv::Mat AlignFrames::replay(const cv::Mat& frame, int index) { return warp(frame, alignment(index).to_reference); }

cv::Mat AlignFrames::warp(const cv::Mat& frame, const cv::Matx33d& to_reference) const {
    if (to_reference == cv::Matx33d::eye()) return frame;
    return warp_frame(frame, to_reference, options_.alignment_config);
}

}  // namespace fstack
