// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/balance_frames.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/plot.hpp"

namespace fstack {

namespace {

constexpr int kLutSize = 1024;  // MATCH_HIST curve points: smooth enough, 4 KiB per channel

// Fraction of samples at or below each of `bins` + 1 evenly spaced levels on [0, max].
std::vector<double> cdf(const std::vector<float>& v, float max_value, int bins) {
    std::vector<double> h(static_cast<size_t>(bins) + 1, 0.0);
    for (float x : v) {
        const int b = std::clamp(static_cast<int>(std::ceil(x / max_value * bins)), 0, bins);
        h[static_cast<size_t>(b)] += 1;
    }
    double sum = 0;
    for (double& x : h) x = (sum += x);
    for (double& x : h) x /= std::max(1.0, sum);
    return h;
}

// The level at which a cumulative curve reaches `p`, interpolated between its points.
double inverse_cdf(const std::vector<double>& c, double p, float max_value) {
    const int bins = static_cast<int>(c.size()) - 1;
    const auto it = std::lower_bound(c.begin(), c.end(), p);
    if (it == c.begin()) return 0;
    if (it == c.end()) return max_value;
    const int j = static_cast<int>(it - c.begin());
    const double c0 = c[j - 1], c1 = c[j];
    const double t = c1 > c0 ? (p - c0) / (c1 - c0) : 1.0;
    return (j - 1 + t) * max_value / bins;
}

float apply_curve(float x, const std::vector<float>& lut, float max_value) {
    const float pos = std::clamp(x / max_value, 0.0f, 1.0f) * kLutSize;
    const int i = std::min(static_cast<int>(pos), kLutSize - 1);
    const float t = pos - i;
    return lut[i] * (1 - t) + lut[i + 1] * t;
}

}  // namespace

const ParamTable<BalanceFramesOptions>& balance_frames_params() {
    using T = ParamTable<BalanceFramesOptions>;
    using O = BalanceFramesOptions;
    using I = IntensityInterval;
    // The seed's usage example spells the interval as i_min / i_max.
    const auto aliased = [](ParamSpec s, std::string alias) {
        s.alias = std::move(alias);
        return s;
    };
    static const T table({
        T::member(&O::channel, {"channel", "_Channel",
                                "What is balanced: luminosity (one correction for all channels), each RGB "
                                "channel, saturation and value / lightness in HSV / HLS, or auto (a gain per "
                                "frame, per channel where they disagree, fitted on the area it shares with its "
                                "aligned neighbour and applied only above half a percent; ignores the other "
                                "options)",
                                {}, 0, 0, false, false, false,
                                {{"LUMI", "lumi", "Luminosity"}, {"RGB", "rgb", "RGB"}, {"HSV", "hsv", "HSV"},
                                 {"HLS", "hls", "HLS"}, {"AUTO", "auto", "Auto"}}}),
        T::member(&O::mask_size, {"mask_size", "_Mask size",
                                  "Statistics only from the centred disc of this diameter, as a fraction of "
                                  "the short side (0: the whole frame)", {}, 0, 10}),
        T::member_of(&O::intensity_interval, &I::min, "intensity_interval",
                     aliased({"min", "Intensity mi_n", "Darkest code value used for the statistics (not by "
                                                       "match-hist)", {}, 0, 65535}, "i_min")),
        T::member_of(&O::intensity_interval, &I::max, "intensity_interval",
                     aliased({"max", "Intensity ma_x", "Brightest code value used for the statistics (-1: the "
                                                       "largest; not by match-hist)", {}, -1, 65535}, "i_max")),
        T::member(&O::img_scale, {"img_scale", "_Image scale",
                                  "Statistics from every n-th pixel in x and y", {}, 1, 1024}),
        T::member(&O::corr_map, {"corr_map", "Correction _map",
                                 "linear: a gain; gamma: a gamma (no clipped highlights); match-hist: the "
                                 "histogram mapped onto the reference's (ignores intensity_interval)",
                                 {}, 0, 0, false, false, false,
                                 {{"LINEAR", "linear", "Linear"}, {"GAMMA", "gamma", "Gamma"},
                                  {"MATCH_HIST", "match-hist", "Match histogram"}}}),
        T::member(&O::plot_histograms, {"plot_histograms", "_Plot histograms",
                                        "Write a PNG of each frame's histograms before and after"}),
    });
    return table;
}

void check_balance_options(const BalanceFramesOptions& o) {
    balance_frames_params().check(o);
    if (o.intensity_interval.max >= 0 && o.intensity_interval.max <= o.intensity_interval.min)
        throw Error(ErrorKind::Usage, "intensity_interval.max must be above intensity_interval.min (or -1)");
}

BalanceFrames::BalanceFrames(BalanceFramesOptions options) : options_(options) { check_balance_options(options_); }

std::unique_ptr<FrameAction> BalanceFrames::clone() const { return std::make_unique<BalanceFrames>(options_); }

const BalanceFrames::Correction& BalanceFrames::correction(int index) const {
    if (index < 0 || index >= static_cast<int>(corrections_.size()) || !corrections_[index].known)
        throw Error(ErrorKind::Internal, "BalanceFrames: frame " + std::to_string(index + 1) + " not balanced yet");
    return corrections_[index];
}

std::vector<float> BalanceFrames::applied_gain(int index) const {
    if (index < 0 || index >= static_cast<int>(corrections_.size()) || !corrections_[size_t(index)].known) return {};
    const Correction& c = corrections_[size_t(index)];
    if (options_.channel == BalanceChannel::Auto) {
        std::vector<float> gain(c.value.size(), 1.0f);
        bool any = false;
        for (size_t ch = 0; ch < gain.size() && ch < c.applied.size(); ++ch)
            if (c.applied[ch]) {
                gain[ch] = c.value[ch];
                any = true;
            }
        return any ? gain : std::vector<float>{};
    }
    const bool gains = options_.corr_map == CorrectionMap::Linear &&
                       (options_.channel == BalanceChannel::Lumi || options_.channel == BalanceChannel::Rgb);
    return gains ? c.value : std::vector<float>{};
}

std::vector<int> BalanceFrames::balanced_channels(int channels) const {
    if (channels == 1 || options_.channel == BalanceChannel::Lumi) return {-1};  // -1: luminosity
    if (options_.channel == BalanceChannel::Rgb) return {0, 1, 2};
    return {1, 2};  // HSV: S, V; HLS: L, S
}

cv::Mat BalanceFrames::to_space(const cv::Mat& frame) const {
    const bool colour_space = frame.channels() >= 3 &&
                              (options_.channel == BalanceChannel::Hsv || options_.channel == BalanceChannel::Hls);
    if (!colour_space) return frame;
    cv::Mat bgr = frame, unit, space;
    if (frame.channels() == 4) cv::cvtColor(frame, bgr, cv::COLOR_BGRA2BGR);
    cv::Mat clipped = cv::max(cv::min(bgr, context_.max_value), 0.0f);
    clipped.convertTo(unit, CV_32F, 1.0 / context_.max_value);
    cv::cvtColor(unit, space, options_.channel == BalanceChannel::Hsv ? cv::COLOR_BGR2HSV : cv::COLOR_BGR2HLS);
    // Saturation and value/lightness on the code-value scale, so intensity_interval keeps its units.
    std::vector<cv::Mat> ch;
    cv::split(space, ch);
    ch[1] *= context_.max_value;
    ch[2] *= context_.max_value;
    cv::merge(ch, space);
    return space;
}

cv::Mat BalanceFrames::from_space(const cv::Mat& space) const {
    if (space.channels() < 3 || (options_.channel != BalanceChannel::Hsv && options_.channel != BalanceChannel::Hls))
        return space;
    std::vector<cv::Mat> ch;
    cv::split(space, ch);
    for (int c : {1, 2}) {
        ch[c] *= 1.0f / context_.max_value;
        ch[c] = cv::max(cv::min(ch[c], 1.0f), 0.0f);
    }
    cv::Mat merged, bgr;
    cv::merge(ch, merged);
    cv::cvtColor(merged, bgr, options_.channel == BalanceChannel::Hsv ? cv::COLOR_HSV2BGR : cv::COLOR_HLS2BGR);
    return bgr * context_.max_value;
}

BalanceFrames::Samples BalanceFrames::sample(const cv::Mat& space) const {
    Samples s;
    const std::vector<int> channels = balanced_channels(space.channels());
    const int step = options_.img_scale;
    std::vector<cv::Mat> planes;
    if (channels.front() < 0) planes.push_back(luminosity(space));
    else {
        std::vector<cv::Mat> all;
        cv::split(space, all);
        for (int c : channels) planes.push_back(all[static_cast<size_t>(c)]);
    }
    s.channel.resize(planes.size());
    for (size_t p = 0; p < planes.size(); ++p) {
        auto& out = s.channel[p];
        out.reserve(static_cast<size_t>(space.total() / (step * step) + 1));
        for (int y = 0; y < space.rows; y += step) {
            const float* row = planes[p].ptr<float>(y);
            const uchar* m = mask_.empty() ? nullptr : mask_.ptr<uchar>(y);
            for (int x = 0; x < space.cols; x += step)
                if (!m || m[x]) out.push_back(row[x]);
        }
    }
    return s;
}

BalanceFrames::Correction BalanceFrames::fit(const Samples& s) const {
    Correction c;
    c.known = true;
    const float max = context_.max_value;
    const float lo = static_cast<float>(options_.intensity_interval.min);
    const float hi = options_.intensity_interval.max < 0 ? max : std::min<float>(max, options_.intensity_interval.max);
    const auto in_range = [&](float v) { return v >= lo && v <= hi; };
    for (size_t p = 0; p < s.channel.size(); ++p) {
        const auto& v = s.channel[p];
        const float target = reference_mean_[p];
        switch (options_.corr_map) {
            case CorrectionMap::Linear: {
                double sum = 0;
                size_t n = 0;
                for (float x : v)
                    if (in_range(x)) sum += x, ++n;
                const double mean = n ? sum / static_cast<double>(n) : 0;
                c.value.push_back(mean > 0 ? static_cast<float>(target / mean) : 1.0f);
                break;
            }
            case CorrectionMap::Gamma: {
                // Mean after x -> max (x / max)^(1/g) grows with g: bisect on [0.1, 5] as the seed.
                const auto mean_after = [&](double g) {
                    double sum = 0;
                    size_t n = 0;
                    for (float x : v)
                        if (in_range(x)) sum += max * std::pow(std::max(0.0f, x) / max, 1.0 / g), ++n;
                    return n ? sum / static_cast<double>(n) : 0.0;
                };
                double a = 0.1, b = 5.0;
                for (int i = 0; i < 50; ++i) {
                    const double m = 0.5 * (a + b);
                    (mean_after(m) < target ? a : b) = m;
                }
                c.value.push_back(static_cast<float>(0.5 * (a + b)));
                break;
            }
            case CorrectionMap::MatchHist: {
                const int bins = max > 255.5f ? 4096 : 256;
                const auto cf = cdf(v, max, bins), cr = cdf(reference_.channel[p], max, bins);
                std::vector<float> lut(kLutSize + 1);
                for (int k = 0; k <= kLutSize; ++k) {
                    const double x = static_cast<double>(k) / kLutSize * bins;
                    const int j = std::min(static_cast<int>(x), bins - 1);
                    const double p_frame = cf[j] + (cf[j + 1] - cf[j]) * (x - j);
                    lut[static_cast<size_t>(k)] = static_cast<float>(inverse_cdf(cr, p_frame, max));
                }
                c.lut.push_back(std::move(lut));
                break;
            }
        }
    }
    return c;
}

cv::Mat BalanceFrames::apply(const cv::Mat& frame, const Correction& c) const {
    cv::Mat space = to_space(frame).clone();
    const std::vector<int> channels = balanced_channels(space.channels());
    const float max = context_.max_value;
    const int colour = frame.channels() == 4 && channels.front() < 0 ? 3 : space.channels();
    for (size_t p = 0; p < channels.size(); ++p) {
        for (int y = 0; y < space.rows; ++y) {
            float* row = space.ptr<float>(y);
            for (int x = 0; x < space.cols; ++x) {
                float* px = row + x * space.channels();
                // Luminosity balance: the same curve on every colour channel (alpha untouched).
                const int first = channels[p] < 0 ? 0 : channels[p];
                const int last = channels[p] < 0 ? colour - 1 : channels[p];
                for (int ch = first; ch <= last; ++ch) {
                    float& v = px[ch];
                    switch (options_.corr_map) {
                        case CorrectionMap::Linear: v *= c.value[p]; break;
                        case CorrectionMap::Gamma: v = max * std::pow(std::max(0.0f, v) / max, 1.0f / c.value[p]); break;
                        case CorrectionMap::MatchHist: v = apply_curve(v, c.lut[p], max); break;
                    }
                }
            }
        }
    }
    cv::Mat out = from_space(space);
    if (frame.channels() == 4 && out.channels() == 3) {
        std::vector<cv::Mat> ch;
        cv::split(out, ch);
        cv::Mat alpha;
        cv::extractChannel(frame, alpha, 3);
        ch.push_back(alpha);
        cv::merge(ch, out);
    }
    return out;
}

cv::Mat BalanceFrames::begin(const cv::Mat& reference, const FrameActionContext& context) {
    context_ = context;
    corrections_.assign(static_cast<size_t>(context.frame_count), Correction{});
    if (options_.channel == BalanceChannel::Auto) return auto_begin(reference);
    mask_.release();
    if (options_.mask_size > 0) {
        mask_ = cv::Mat::zeros(reference.size(), CV_8U);
        const int radius = static_cast<int>(std::min(reference.cols, reference.rows) * options_.mask_size / 2);
        cv::circle(mask_, {reference.cols / 2, reference.rows / 2}, radius, cv::Scalar(255), cv::FILLED);
    }
    reference_ = sample(to_space(reference));
    const float max = context.max_value;
    const float lo = static_cast<float>(options_.intensity_interval.min);
    const float hi = options_.intensity_interval.max < 0 ? max : std::min<float>(max, options_.intensity_interval.max);
    reference_mean_.clear();
    for (const auto& v : reference_.channel) {
        double sum = 0;
        size_t n = 0;
        for (float x : v)
            if (x >= lo && x <= hi) sum += x, ++n;
        if (n == 0)
            throw Error(ErrorKind::Input, context.name_of(context.reference_index), context.reference_index,
                        "BalanceFrames: no pixel of the reference frame lies in the intensity interval (and mask)");
        reference_mean_.push_back(static_cast<float>(sum / static_cast<double>(n)));
    }
    Correction identity;
    identity.known = true;
    identity.value.assign(reference_.channel.size(), 1.0f);
    corrections_[static_cast<size_t>(context.reference_index)] = identity;
    if (options_.corr_map == CorrectionMap::MatchHist) {
        identity.value.clear();
        std::vector<float> lut(kLutSize + 1);
        for (int k = 0; k <= kLutSize; ++k) lut[static_cast<size_t>(k)] = static_cast<float>(k) / kLutSize * max;
        identity.lut.assign(reference_.channel.size(), lut);
        corrections_[static_cast<size_t>(context.reference_index)] = identity;
    }
    return reference;
}

cv::Mat BalanceFrames::process(const cv::Mat& frame, int index, int neighbour_index) {
    if (options_.channel == BalanceChannel::Auto) return auto_process(frame, index, neighbour_index);
    corrections_.at(static_cast<size_t>(index)) = fit(sample(to_space(frame)));
    cv::Mat out = apply(frame, corrections_[static_cast<size_t>(index)]);
    if (options_.plot_histograms && !context_.plot_path.empty()) plot(index, frame, out);
    return out;
}

cv::Mat BalanceFrames::replay(const cv::Mat& frame, int index) {
    if (index == context_.reference_index) return frame;
    if (options_.channel == BalanceChannel::Auto) return auto_apply(frame, correction(index));
    return apply(frame, correction(index));
}

void BalanceFrames::plot(int index, const cv::Mat& before, const cv::Mat& after) const {
    const Samples b = sample(to_space(before)), a = sample(to_space(after));
    const int bins = 64;
    const float max = context_.max_value;
    const auto histogram = [&](const std::vector<float>& v) {
        std::vector<double> h(bins, 0.0);
        for (float x : v) h[static_cast<size_t>(std::clamp(static_cast<int>(x / max * bins), 0, bins - 1))] += 1;
        for (double& x : h) x /= std::max<size_t>(1, v.size());
        return h;
    };
    std::vector<double> xs(bins);
    for (int i = 0; i < bins; ++i) xs[static_cast<size_t>(i)] = (i + 0.5) * max / bins;
    std::vector<PlotSeries> series;
    series.push_back({xs, histogram(reference_.channel[0]), {0, 0, 0}, "reference"});
    series.push_back({xs, histogram(b.channel[0]), {0, 0, 230}, "frame"});
    series.push_back({xs, histogram(a.channel[0]), {0, 170, 0}, "balanced"});
    const char* what = options_.channel == BalanceChannel::Lumi  ? "luminosity"
                       : options_.channel == BalanceChannel::Rgb ? "blue channel"
                                                                 : "saturation";
    write_plot(context_.plot_path / ("balance-" + context_.plot_stem(index) + ".png"),
               render_plot(series, "BalanceFrames: " + std::string(what) + " histogram of " + context_.name_of(index)));
}

}  // namespace fstack
