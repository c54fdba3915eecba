// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/vignetting.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/plot.hpp"

namespace fstack {

double VignettingModel::operator()(double r) const { return i0 / (1.0 + std::exp(std::exp(k * (r - r0)))); }

namespace {

// Residuals and Jacobian of the model against a profile, weighted by the pixels of each ring.
class ProfileFit : public cv::LMSolver::Callback {
public:
    ProfileFit(const std::vector<double>& r, const std::vector<double>& y, const std::vector<double>& w)
        : r_(r), y_(y), w_(w) {}
    bool compute(cv::InputArray param, cv::OutputArray err, cv::OutputArray jac) const override {
        const cv::Mat p = param.getMat();
        const double i0 = p.at<double>(0), k = p.at<double>(1), r0 = p.at<double>(2);
        const int n = static_cast<int>(r_.size());
        err.create(n, 1, CV_64F);
        cv::Mat e = err.getMat();
        cv::Mat J;
        if (jac.needed()) {
            jac.create(n, 3, CV_64F);
            J = jac.getMat();
        }
        for (int i = 0; i < n; ++i) {
            const double u = std::min(50.0, k * (r_[i] - r0));
            const double eu = std::exp(u), s = 1.0 / (1.0 + std::exp(std::min(700.0, eu)));
            e.at<double>(i) = w_[i] * (i0 * s - y_[i]);
            if (!J.empty()) {
                // d/dk and d/dr0 of s = 1/(1+exp(exp(u))): -s (1 - s) exp(u) du
                const double ds_du = -s * (1 - s) * eu;
                J.at<double>(i, 0) = w_[i] * s;
                J.at<double>(i, 1) = w_[i] * i0 * ds_du * (r_[i] - r0);
                J.at<double>(i, 2) = w_[i] * i0 * ds_du * -k;
            }
        }
        return true;
    }

private:
    const std::vector<double>&r_, &y_, &w_;
};

}  // namespace

VignettingProfile fit_vignetting(const cv::Mat& lum, int r_steps, double black_threshold) {
    VignettingProfile out;
    const double cx = (lum.cols - 1) / 2.0, cy = (lum.rows - 1) / 2.0;
    const double r_max = std::hypot(cx, cy) + 1e-6;
    std::vector<double> sum(static_cast<size_t>(r_steps), 0.0), count(static_cast<size_t>(r_steps), 0.0);
    for (int y = 0; y < lum.rows; ++y) {
        const float* row = lum.ptr<float>(y);
        for (int x = 0; x < lum.cols; ++x) {
            if (row[x] <= black_threshold) continue;
            const int b = std::min(r_steps - 1, static_cast<int>(std::hypot(x - cx, y - cy) / r_max * r_steps));
            sum[static_cast<size_t>(b)] += row[x];
            count[static_cast<size_t>(b)] += 1;
        }
    }
    std::vector<double> weight;
    for (int b = 0; b < r_steps; ++b) {
        if (count[static_cast<size_t>(b)] == 0) continue;
        out.radius.push_back((b + 0.5) * r_max / r_steps);
        out.mean.push_back(sum[static_cast<size_t>(b)] / count[static_cast<size_t>(b)]);
        weight.push_back(std::sqrt(count[static_cast<size_t>(b)]));
    }
    if (out.radius.size() < 4) throw Error(ErrorKind::Input, "Vignetting: too few pixels above black_threshold to fit");
    const double wmax = *std::max_element(weight.begin(), weight.end());
    for (double& w : weight) w /= wmax;

    // Coarse start: k and r0 on a grid, i0 by linear least squares for each.
    double best = 1e300;
    VignettingModel start{2 * out.mean.front(), 1.0 / r_max, r_max};
    for (int a = 0; a <= 40; ++a) {
        const double r0 = r_max * (0.2 + a * 0.04);
        for (int b = 0; b <= 40; ++b) {
            const double k = std::pow(10.0, -1.0 + b * 0.075) / r_max;
            double sfy = 0, sff = 0;
            for (size_t i = 0; i < out.radius.size(); ++i) {
                const double f = VignettingModel{1, k, r0}(out.radius[i]) * weight[i];
                sfy += f * out.mean[i] * weight[i];
                sff += f * f;
            }
            if (sff <= 0) continue;
            const VignettingModel m{sfy / sff, k, r0};
            double e = 0;
            for (size_t i = 0; i < out.radius.size(); ++i) e += std::pow(weight[i] * (m(out.radius[i]) - out.mean[i]), 2);
            if (e < best) best = e, start = m;
        }
    }
    cv::Mat p = (cv::Mat_<double>(3, 1) << start.i0, start.k, start.r0);
    auto solver = cv::LMSolver::create(cv::makePtr<ProfileFit>(out.radius, out.mean, weight), 200);
    solver->run(p);
    out.model = {p.at<double>(0), p.at<double>(1), p.at<double>(2)};
    if (!std::isfinite(out.model.i0) || !std::isfinite(out.model.k) || !std::isfinite(out.model.r0) || out.model.i0 <= 0)
        out.model = start;
    return out;
}

const ParamTable<VignettingOptions>& vignetting_params() {
    using T = ParamTable<VignettingOptions>;
    using O = VignettingOptions;
    static const T table({
        T::member(&O::r_steps, {"r_steps", "_Radial steps",
                                "Rings from the centre to the corners in which the mean luminosity is measured",
                                {}, 4, 10000}),
        T::member(&O::black_threshold, {"black_threshold", "_Black threshold",
                                        "Pixels at or below this luminosity (code values) are neither measured nor "
                                        "corrected", {}, 0, 65535}),
        T::member(&O::max_correction, {"max_correction", "_Max correction",
                                       "Deepest fall-off divided out, as a fraction of the centre (below 1: no "
                                       "pixel is brightened by more than 1 / (1 - max_correction))", {}, 0, 1}),
        T::member(&O::apply_correction, {"apply_correction", "_Apply correction",
                                         "Divide the fitted fall-off out (off: fit and plot it only)"}),
    });
    return table;
}

void check_vignetting_options(const VignettingOptions& o) { vignetting_params().check(o); }

Vignetting::Vignetting(VignettingOptions options) : options_(options) { check_vignetting_options(options_); }

std::unique_ptr<FrameAction> Vignetting::clone() const { return std::make_unique<Vignetting>(options_); }

const VignettingModel& Vignetting::model(int index) const {
    if (index < 0 || index >= static_cast<int>(known_.size()) || !known_[index])
        throw Error(ErrorKind::Internal, "Vignetting: frame " + std::to_string(index + 1) + " not measured yet");
    return models_[index];
}

cv::Mat Vignetting::correct(const cv::Mat& frame, const VignettingModel& m) const {
    if (!options_.apply_correction) return frame;
    const double cx = (frame.cols - 1) / 2.0, cy = (frame.rows - 1) / 2.0;
    const double centre = m(0);
    const double floor = 1.0 - options_.max_correction;  // the fall-off divided out is at most this deep
    const cv::Mat lum = luminosity(frame);
    cv::Mat out = frame.clone();
    const int cn = frame.channels();
    const int colour = cn == 4 ? 3 : cn;
    for (int y = 0; y < out.rows; ++y) {
        float* row = out.ptr<float>(y);
        const float* l = lum.ptr<float>(y);
        for (int x = 0; x < out.cols; ++x) {
            if (l[x] <= options_.black_threshold) continue;
            const double v = std::clamp(m(std::hypot(x - cx, y - cy)) / centre, 1e-6, 1.0);
            const float gain = static_cast<float>(1.0 / std::max(v, floor));
            for (int c = 0; c < colour; ++c) row[x * cn + c] *= gain;
        }
    }
    return out;
}

cv::Mat Vignetting::begin(const cv::Mat& reference, const FrameActionContext& context) {
    context_ = context;
    models_.assign(static_cast<size_t>(context.frame_count), VignettingModel{});
    known_.assign(static_cast<size_t>(context.frame_count), false);
    return process(reference, context.reference_index, context.reference_index);
}

cv::Mat Vignetting::process(const cv::Mat& frame, int index, int) {
    const VignettingProfile p = fit_vignetting(luminosity(frame), options_.r_steps, options_.black_threshold);
    models_.at(static_cast<size_t>(index)) = p.model;
    known_[static_cast<size_t>(index)] = true;
    char buf[128];
    std::snprintf(buf, sizeof buf, ": vignetting i0 %.1f, k %.5f /px, r0 %.1f px", p.model.i0, p.model.k, p.model.r0);
    context_.progress->log(LogLevel::Debug, context_.name_of(index) + buf);
    if (!context_.plot_path.empty()) {
        std::vector<double> fitted;
        for (double r : p.radius) fitted.push_back(p.model(r));
        std::vector<PlotSeries> series{{p.radius, p.mean, {0, 0, 230}, "mean luminosity"},
                                       {p.radius, fitted, {200, 80, 0}, "fit i0/(1+exp(exp(k(r-r0))))"}};
        write_plot(context_.plot_path / ("vignetting-" + context_.plot_stem(index) + ".png"),
                   render_plot(series, std::string("Vignetting of ") + context_.plot_stem(index) + buf + " (x: radius, px)"));
    }
    return correct(frame, p.model);
}

cv::Mat Vignetting::replay(const cv::Mat& frame, int index) { return correct(frame, model(index)); }

}  // namespace fstack
