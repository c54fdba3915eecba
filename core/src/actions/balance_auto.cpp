// SPDX-License-Identifier: GPL-3.0-or-later
// BalanceFrames AUTO: a gain per frame (per channel where they disagree) fitted on the cells two
// aligned neighbours both cover, chained to the reference, applied only above half a percent.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

#include <opencv2/imgproc.hpp>

#include "fstack/balance_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/kernels/image/srgb.hpp"

namespace fstack {

namespace {

// The fit compares the linear light (sRGB decoded) of two frames: defocus spreads light, so blur
// keeps the linear means of an area, not the means of its code values (a blurred frame's code
// values average higher). It finds the code-value gain g for which the frame's sum of dec(g v)
// equals the neighbour's sum of dec(v), from per-cell moments of dec's Taylor series in g - 1:
// exact for a gain of the code values, and the mean-keeping one for a gain of the linear light.
constexpr int kMoments = 4;              // dec(v), v dec'(v), v^2 dec''(v) / 2, v^3 dec'''(v) / 6
constexpr int kCellsLongSide = 64;       // statistics cells along the frame's long side
constexpr double kApplyAbove = 0.005;    // |gain - 1| a frame's channel must exceed to be changed
constexpr float kBright = 0.97f;         // above: clipped (in this frame or after its gain)
constexpr int kLutSize = 4096;
constexpr double kBlurCells = 1.5;       // low-pass of the cell means before their ratios
constexpr double kChannelsDisagree = 0.005;  // per-channel gains only beyond this (and 4 of their sigma)

int colour_channels(const cv::Mat& f) { return f.channels() >= 3 ? 3 : 1; }
bool has_alpha(const cv::Mat& f) { return f.channels() == 2 || f.channels() == 4; }

// moment_lut()[j][i]: moment j at the code value i / kLutSize of the largest (interpolated).
const std::array<std::vector<float>, kMoments>& moment_lut() {
    static const std::array<std::vector<float>, kMoments> lut = [] {
        std::array<std::vector<float>, kMoments> l;
        constexpr double a = 0.055;
        for (auto& t : l) t.resize(kLutSize + 2);
        for (int i = 0; i <= kLutSize + 1; ++i) {
            const double x = std::min(1.0, double(i) / kLutSize), b = (x + a) / (1 + a);
            const bool toe = x <= 0.04045;
            // dec and its first three derivatives.
            const double d[kMoments] = {kernels::srgb_decode(x),
                                        toe ? 1 / 12.92 : 2.4 / (1 + a) * std::pow(b, 1.4),
                                        toe ? 0 : 2.4 * 1.4 / std::pow(1 + a, 2) * std::pow(b, 0.4),
                                        toe ? 0 : 2.4 * 1.4 * 0.4 / std::pow(1 + a, 3) * std::pow(b, -0.6)};
            double power = 1, factorial = 1;
            for (int j = 0; j < kMoments; ++j) {
                l[size_t(j)][size_t(i)] = float(d[j] * power / factorial);
                power *= x;
                factorial *= j + 1;
            }
        }
        return l;
    }();
    return lut;
}

// The statistics grid, in full-frame pixels.
struct Grid {
    cv::Size full, cells;
    cv::Rect2d cell(int u, int v) const {
        const double cw = double(full.width) / cells.width, ch = double(full.height) / cells.height;
        return {u * cw, v * ch, cw, ch};
    }
};

Grid grid_for(cv::Size full) {
    const double cell = std::max(4.0, std::max(full.width, full.height) / double(kCellsLongSide));
    return {full, {std::max(1, int(std::lround(full.width / cell))), std::max(1, int(std::lround(full.height / cell)))}};
}

}  // namespace

// Per-cell statistics of one frame.
struct BalanceAutoCells {
    // CV_32FC(colour channels): the means of the cell's samples' moments (moment_lut()).
    std::array<cv::Mat, kMoments> moment;
    cv::Mat usable;  // CV_8U, 255: samples found, none clipped, alpha opaque
};

// The reference's cells and the last visited frame's.
struct BalanceFrames::AutoState {
    Grid grid;
    std::map<int, BalanceAutoCells> kept;
};

namespace {

using Cells = BalanceAutoCells;

// The moments of a frame (full size or reduced) over the grid's cells, from every n-th pixel.
Cells cell_moments(const cv::Mat& frame, const Grid& g, float max_value) {
    const int k = colour_channels(frame), ch = frame.channels();
    const int gw = g.cells.width, gh = g.cells.height;
    std::vector<int> cx(static_cast<size_t>(frame.cols)), cy(static_cast<size_t>(frame.rows));
    for (int x = 0; x < frame.cols; ++x) cx[size_t(x)] = std::min(gw - 1, int(int64_t(x) * gw / frame.cols));
    for (int y = 0; y < frame.rows; ++y) cy[size_t(y)] = std::min(gh - 1, int(int64_t(y) * gh / frame.rows));
    const int stride = std::max(1, std::min(frame.cols / gw, frame.rows / gh) / 12);
    std::vector<double> sum(size_t(gw) * gh * k * kMoments, 0.0);
    std::vector<int> count(size_t(gw) * gh, 0), bad(size_t(gw) * gh, 0);
    const auto& lut = moment_lut();
    // Dark pixels stay in: near black, a pixel's linear light is next to nothing either way.
    const float hi = kBright * max_value, to_lut = kLutSize / max_value;
    for (int y = 0; y < frame.rows; y += stride) {
        const float* row = frame.ptr<float>(y);
        const size_t cell_row = size_t(cy[size_t(y)]) * gw;
        for (int x = 0; x < frame.cols; x += stride) {
            const float* px = row + size_t(x) * ch;
            const size_t cell = cell_row + size_t(cx[size_t(x)]);
            bool ok = !has_alpha(frame) || px[ch - 1] >= 0.5f * max_value;
            for (int c = 0; c < k; ++c) ok = ok && px[c] <= hi;
            if (!ok) {
                ++bad[cell];
                continue;
            }
            ++count[cell];
            for (int c = 0; c < k; ++c) {
                const float p = std::max(0.0f, px[c]) * to_lut;
                const int i = std::min(int(p), kLutSize);
                const float t = p - float(i);
                double* out = &sum[(cell * k + size_t(c)) * kMoments];
                for (int j = 0; j < kMoments; ++j) {
                    const std::vector<float>& m = lut[size_t(j)];
                    out[j] += m[size_t(i)] + t * (m[size_t(i) + 1] - m[size_t(i)]);
                }
            }
        }
    }
    Cells out;
    for (cv::Mat& m : out.moment) m.create(gh, gw, CV_32FC(k));
    out.usable.create(gh, gw, CV_8U);
    for (int v = 0; v < gh; ++v)
        for (int u = 0; u < gw; ++u) {
            const size_t cell = size_t(v) * gw + size_t(u);
            for (int j = 0; j < kMoments; ++j) {
                float* m = out.moment[size_t(j)].ptr<float>(v) + size_t(u) * k;
                for (int c = 0; c < k; ++c)
                    m[c] = count[cell] ? float(sum[(cell * k + size_t(c)) * kMoments + size_t(j)] / count[cell]) : 0.0f;
            }
            out.usable.at<uchar>(v, u) = count[cell] > 0 && bad[cell] == 0 ? 255 : 0;
        }
    return out;
}

// Moment j of channel c (-1: the colour channels' sum) of every cell.
cv::Mat plane(const Cells& cells, int j, int c) {
    const cv::Mat& m = cells.moment[size_t(j)];
    if (m.channels() == 1) return m;
    std::vector<cv::Mat> p;
    cv::split(m, p);
    if (c >= 0) return p[size_t(c)];
    cv::Mat s = p[0].clone();
    for (size_t i = 1; i < p.size(); ++i) s += p[i];
    return s;
}

// Cells whose whole area both warped frames cover, `margin` full-frame pixels inside their edges.
cv::Mat shared_cells(const Grid& g, const cv::Matx33d& a, const cv::Matx33d& b) {
    const double margin = std::max(3.0, 0.004 * std::max(g.full.width, g.full.height));
    const cv::Matx33d ia = a.inv(), ib = b.inv();
    const auto inside = [&](const cv::Matx33d& to_frame, double x, double y) {
        const cv::Vec3d q = to_frame * cv::Vec3d(x, y, 1);
        if (q[2] <= 0) return false;
        const double fx = q[0] / q[2], fy = q[1] / q[2];
        return fx >= margin && fy >= margin && fx <= g.full.width - margin && fy <= g.full.height - margin;
    };
    cv::Mat out(g.cells, CV_8U);
    for (int v = 0; v < g.cells.height; ++v)
        for (int u = 0; u < g.cells.width; ++u) {
            const cv::Rect2d r = g.cell(u, v);
            bool ok = true;
            for (const cv::Point2d p : {r.tl(), cv::Point2d(r.x + r.width, r.y), cv::Point2d(r.x, r.y + r.height), r.br()})
                ok = ok && inside(ia, p.x, p.y) && inside(ib, p.x, p.y);
            out.at<uchar>(v, u) = ok ? 255 : 0;
        }
    return out;
}

double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

struct GainFit {
    double gain = 1;   // code values: the frame times this matches the neighbour
    double sigma = 0;  // its standard error
};

// The code-value gain of one channel (c = -1: all colour channels together) that brings the
// frame's linear light onto the neighbour's over the usable cells whose low-passed ratio lies
// near the median one (what defocus changes at an occluding edge is left out).
GainFit fit_gain(const Cells& frame, const Cells& neighbour, int c, const cv::Mat& usable) {
    std::array<cv::Mat, kMoments> f;
    for (int j = 0; j < kMoments; ++j) f[size_t(j)] = plane(frame, j, c);
    const cv::Mat n = plane(neighbour, 0, c);
    // Both low-passed over the usable cells only (the weights would cancel in the ratio).
    cv::Mat w, fa, fb;
    usable.convertTo(w, CV_32F, 1.0 / 255);
    cv::GaussianBlur(f[0].mul(w), fa, {0, 0}, kBlurCells, kBlurCells, cv::BORDER_CONSTANT);
    cv::GaussianBlur(n.mul(w), fb, {0, 0}, kBlurCells, kBlurCells, cv::BORDER_CONSTANT);
    std::vector<cv::Point> cells;
    std::vector<double> smooth;
    for (int v = 0; v < usable.rows; ++v)
        for (int u = 0; u < usable.cols; ++u)
            if (usable.at<uchar>(v, u) && fa.at<float>(v, u) > 0 && fb.at<float>(v, u) > 0 && f[1].at<float>(v, u) > 0) {
                cells.emplace_back(u, v);
                smooth.push_back(double(fb.at<float>(v, u)) / fa.at<float>(v, u));
            }
    GainFit fit;
    if (cells.empty()) return fit;
    const double med = median_of(smooth);
    std::vector<double> dev;
    for (double r : smooth) dev.push_back(std::abs(r - med));
    const double band = std::max(3 * 1.4826 * median_of(dev), 1e-4 * med);
    // Sums over the whole of those cells, and per block of a 4x4 split of the grid (the spread
    // of the blocks' gains is the fit's uncertainty).
    constexpr int kBlocks = 4;
    std::array<double, kMoments> sum{};
    double target = 0;
    std::vector<std::array<double, 3>> block(kBlocks * kBlocks, {0.0, 0.0, 0.0});  // f0, f1, n
    for (size_t i = 0; i < cells.size(); ++i) {
        if (std::abs(smooth[i] - med) > band) continue;
        const cv::Point p = cells[i];
        for (int j = 0; j < kMoments; ++j) sum[size_t(j)] += f[size_t(j)].at<float>(p);
        target += n.at<float>(p);
        auto& b = block[size_t(p.y * kBlocks / usable.rows) * kBlocks + size_t(p.x * kBlocks / usable.cols)];
        b[0] += f[0].at<float>(p);
        b[1] += f[1].at<float>(p);
        b[2] += n.at<float>(p);
    }
    if (sum[1] <= 0) return fit;
    // Newton on sum_j sum[j] (g - 1)^j = target.
    double e = (target - sum[0]) / sum[1];
    for (int it = 0; it < 8; ++it) {
        double h = -target, dh = 0, power = 1;
        for (int j = 0; j < kMoments; ++j) {
            h += sum[size_t(j)] * power;
            if (j + 1 < kMoments) dh += (j + 1) * sum[size_t(j) + 1] * power;
            power *= e;
        }
        if (dh <= 0) break;
        e -= h / dh;
    }
    fit.gain = 1 + e;
    std::vector<double> gains;
    for (const auto& b : block)
        if (b[1] > 0.02 * sum[1] / block.size()) gains.push_back(1 + (b[2] - b[0]) / b[1]);
    if (gains.size() >= 2) {
        double mean = 0, var = 0;
        for (double g : gains) mean += g / gains.size();
        for (double g : gains) var += (g - mean) * (g - mean) / (gains.size() - 1);
        fit.sigma = std::sqrt(var / gains.size());
    }
    return fit;
}

std::string gains_text(const std::vector<float>& g) {
    static const char* names[] = {"B", "G", "R"};
    char buf[64];
    if (g.size() == 1 || std::all_of(g.begin(), g.end(), [&](float x) { return x == g[0]; })) {
        std::snprintf(buf, sizeof buf, "gain %.4f", g[0]);
        return buf;
    }
    std::string s = "gains";
    for (size_t c = 0; c < g.size(); ++c) {
        std::snprintf(buf, sizeof buf, " %s %.4f", names[c], g[c]);
        s += buf;
    }
    return s;
}

}  // namespace

cv::Mat BalanceFrames::auto_begin(const cv::Mat& reference) {
    auto_ = std::make_shared<AutoState>();
    cv::Size full = context_.geometry && !context_.geometry->frame_size.empty() ? context_.geometry->frame_size
                                                                                 : reference.size();
    if (!(context_.geometry && !context_.geometry->frame_size.empty()) && context_.analysis_scale > 0)
        full = {int(std::lround(reference.cols / context_.analysis_scale)),
                int(std::lround(reference.rows / context_.analysis_scale))};
    auto_->grid = grid_for(full);
    const int ref = context_.reference_index;
    auto_->kept[ref] = cell_moments(reference, auto_->grid, context_.max_value);
    Correction& c = corrections_.at(size_t(ref));
    c.known = true;
    c.value.assign(size_t(colour_channels(reference)), 1.0f);
    c.applied.assign(c.value.size(), false);
    return reference;
}

cv::Mat BalanceFrames::auto_process(const cv::Mat& frame, int index, int neighbour_index) {
    auto nb = auto_ ? auto_->kept.find(neighbour_index) : decltype(auto_->kept.end()){};
    if (!auto_ || nb == auto_->kept.end() || !corrections_.at(size_t(neighbour_index)).known)
        throw Error(ErrorKind::Internal, "BalanceFrames: frames visited out of order");
    const Grid& g = auto_->grid;
    Cells cells = cell_moments(frame, g, context_.max_value);
    cv::Matx33d to_ref = cv::Matx33d::eye(), nb_to_ref = cv::Matx33d::eye();
    if (context_.geometry && !context_.geometry->to_reference.empty()) {
        to_ref = context_.geometry->to_reference.at(size_t(index));
        nb_to_ref = context_.geometry->to_reference.at(size_t(neighbour_index));
    }
    cv::Mat usable = cells.usable & nb->second.usable & shared_cells(g, to_ref, nb_to_ref);
    // A cell next to a clipped one or an edge may hold the spill of a blurred highlight.
    cv::erode(usable, usable, cv::Mat());
    const int k = colour_channels(frame);
    const Correction& nbc = corrections_.at(size_t(neighbour_index));
    std::vector<float> step(size_t(k), 1.0f);
    const int needed = std::max(16, int(g.cells.area() / 50));
    std::string note;
    if (cv::countNonZero(usable) < needed) {
        note = ", too little shared unclipped area: the neighbour's gain kept";
    } else {
        // A step within its own noise is no change (it would add up along the chain).
        const auto step_of = [](const GainFit& f) { return std::abs(f.gain - 1) <= 3 * f.sigma ? 1.0 : f.gain; };
        const GainFit common = fit_gain(cells, nb->second, -1, usable);
        std::fill(step.begin(), step.end(), float(step_of(common)));
        if (k == 3) {
            std::vector<GainFit> per;
            bool disagree = false;
            for (int ch = 0; ch < 3; ++ch) {
                per.push_back(fit_gain(cells, nb->second, ch, usable));
                disagree = disagree || std::abs(per.back().gain / common.gain - 1) >
                                           std::max(kChannelsDisagree, 4 * std::hypot(per.back().sigma, common.sigma));
            }
            if (disagree)
                for (int ch = 0; ch < 3; ++ch) step[size_t(ch)] = float(step_of(per[size_t(ch)]));
        }
    }
    Correction& c = corrections_.at(size_t(index));
    c.known = true;
    c.value.resize(size_t(k));
    c.applied.resize(size_t(k));
    for (int ch = 0; ch < k; ++ch) {
        c.value[size_t(ch)] = nbc.value.at(size_t(ch)) * step[size_t(ch)];
        c.applied[size_t(ch)] = std::abs(c.value[size_t(ch)] - 1.0) > kApplyAbove;
    }
    const bool any = std::find(c.applied.begin(), c.applied.end(), true) != c.applied.end();
    context_.progress->log(LogLevel::Debug, "BalanceFrames auto: " + context_.name_of(index) + ": " +
                                                gains_text(c.value) + " (against " + context_.name_of(neighbour_index) +
                                                note + "), " + (any ? "applied" : "not applied (within 0.5%)"));
    // Keep the reference's cells and this frame's (the next frame's neighbour) only.
    const int ref = context_.reference_index;
    for (auto it = auto_->kept.begin(); it != auto_->kept.end();)
        it = it->first == ref ? std::next(it) : auto_->kept.erase(it);
    if (index != ref) auto_->kept[index] = std::move(cells);
    return auto_apply(frame, c);
}

cv::Mat BalanceFrames::auto_apply(const cv::Mat& frame, const Correction& c) const {
    if (std::find(c.applied.begin(), c.applied.end(), true) == c.applied.end()) return frame;
    const int k = colour_channels(frame);
    std::vector<double> gain(size_t(frame.channels()), 1.0);
    for (int ch = 0; ch < k; ++ch)
        if (c.applied.at(size_t(ch))) gain[size_t(ch)] = c.value.at(size_t(ch));
    cv::Mat out;
    // convertTo rounds and saturates 8- and 16-bit frames; float frames keep their range.
    if (!has_alpha(frame) && std::all_of(gain.begin(), gain.end(), [&](double x) { return x == gain[0]; })) {
        frame.convertTo(out, -1, gain[0]);
        return out;
    }
    std::vector<cv::Mat> planes;
    cv::split(frame, planes);
    for (size_t ch = 0; ch < planes.size(); ++ch)
        if (gain[ch] != 1.0) planes[ch].convertTo(planes[ch], -1, gain[ch]);
    cv::merge(planes, out);
    return out;
}

}  // namespace fstack
