// SPDX-License-Identifier: GPL-3.0-or-later
// Focus stacks with known similarities: a continuous procedural scene sampled through each
// frame's exact transform, then defocused in frame coordinates (warped.hpp).
#include "warped.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

namespace fstack::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Uniform random values in [-1, 1] on a grid of `cell` reference pixels covering `domain`,
// read back as the Catmull-Rom (bicubic) interpolant: a C1-continuous function of any point.
struct Grid {
    cv::Mat values;  // CV_32F, continuous
    double inv_cell = 1, x0 = 0, y0 = 0;
};

// A soft step from -1 to 1 over x in [-1, 1] (C1): the edges of the patches.
inline float soft_step(float x) {
    x = std::clamp(x, -1.f, 1.f);
    return x * (1.5f - 0.5f * x * x);
}

Grid make_grid(double cell, const cv::Rect2d& domain, cv::RNG& rng, int channels = 1) {
    Grid g;
    g.inv_cell = 1 / cell;
    // Start a random fraction of a cell before the domain: octaves do not share grid lines.
    g.x0 = domain.x - cell * (2 + rng.uniform(0.0, 1.0));
    g.y0 = domain.y - cell * (2 + rng.uniform(0.0, 1.0));
    const int cols = int(std::ceil(domain.width / cell)) + 6;
    const int rows = int(std::ceil(domain.height / cell)) + 6;
    g.values.create(rows, cols, CV_32FC(channels));
    rng.fill(g.values, cv::RNG::UNIFORM, -1.f, 1.f);
    return g;
}

inline void catmull_rom(float t, float w[4]) {
    const float t2 = t * t, t3 = t2 * t;
    w[0] = 0.5f * (-t3 + 2 * t2 - t);
    w[1] = 0.5f * (3 * t3 - 5 * t2 + 2);
    w[2] = 0.5f * (-3 * t3 + 4 * t2 + t);
    w[3] = 0.5f * (t3 - t2);
}

inline float sample(const Grid& g, double u, double v) {
    // The grid starts two cells before the domain, so the coordinates are positive there and
    // truncation is floor; the clamps only guard points outside the domain.
    const float gx = float((u - g.x0) * g.inv_cell), gy = float((v - g.y0) * g.inv_cell);
    const int ix = std::clamp(int(gx), 1, g.values.cols - 3);
    const int iy = std::clamp(int(gy), 1, g.values.rows - 3);
    float wx[4], wy[4];
    catmull_rom(gx - float(ix), wx);
    catmull_rom(gy - float(iy), wy);
    const int step = g.values.cols;
    const float* p = reinterpret_cast<const float*>(g.values.data) + size_t(iy - 1) * step + ix - 1;
    float r = 0;
    for (int j = 0; j < 4; ++j, p += step)
        r += wy[j] * (wx[0] * p[0] + wx[1] * p[1] + wx[2] * p[2] + wx[3] * p[3]);
    return r;
}

// The same for a 4-channel grid: four fields for the price of one set of weights.
inline cv::Vec4f sample4(const Grid& g, double u, double v) {
    const float gx = float((u - g.x0) * g.inv_cell), gy = float((v - g.y0) * g.inv_cell);
    const int ix = std::clamp(int(gx), 1, g.values.cols - 3);
    const int iy = std::clamp(int(gy), 1, g.values.rows - 3);
    float wx[4], wy[4];
    catmull_rom(gx - float(ix), wx);
    catmull_rom(gy - float(iy), wy);
    const int step = g.values.cols;
    const cv::Vec4f* p = reinterpret_cast<const cv::Vec4f*>(g.values.data) + size_t(iy - 1) * step + ix - 1;
    cv::Vec4f r(0, 0, 0, 0);
    for (int j = 0; j < 4; ++j, p += step)
        for (int k = 0; k < 4; ++k) {
            const float w = wy[j] * wx[k];
            for (int c = 0; c < 4; ++c) r[c] += w * p[k][c];
        }
    return r;
}

// Gaussian blur of sigma `s`; large ones on an area-reduced copy (the result is smooth, so the
// round trip through the smaller grid costs nothing visible and keeps the geometry).
cv::Mat blur(const cv::Mat& image, double s) {
    if (s < 0.25) return image;
    int f = 1;
    while (s / f > 2.5 && std::min(image.cols, image.rows) / (2 * f) >= 16) f *= 2;
    cv::Mat out;
    if (f == 1) {
        cv::GaussianBlur(image, out, cv::Size(), s, s, cv::BORDER_REFLECT);
        return out;
    }
    cv::Mat small;
    cv::resize(image, small, cv::Size(std::max(1, (image.cols + f / 2) / f), std::max(1, (image.rows + f / 2) / f)), 0,
               0, cv::INTER_AREA);
    const double s_low = std::sqrt(std::max(s * s - 0.25 * f * f, 0.0625 * f * f)) / f;
    cv::GaussianBlur(small, small, cv::Size(), s_low, s_low, cv::BORDER_REFLECT);
    cv::resize(small, out, image.size(), 0, 0, cv::INTER_CUBIC);
    return out;
}

// Per-pixel Gaussian defocus: the blurs at a ladder of sigmas, blended linearly in sigma.
cv::Mat defocus(const cv::Mat& sharp, const cv::Mat& sigma) {
    double smin = 0, smax = 0;
    cv::minMaxLoc(sigma, &smin, &smax);
    std::vector<double> levels{0, 0.5};
    while (levels.back() < smax) levels.push_back(levels.back() * std::sqrt(2.0));
    int lo = 0;
    while (lo + 1 < int(levels.size()) && levels[lo + 1] <= smin) ++lo;
    cv::Mat out = cv::Mat::zeros(sharp.size(), CV_32FC3);
    for (int k = lo; k < int(levels.size()); ++k) {
        const double below = k > 0 ? levels[k - 1] : -1, at = levels[k];
        const double above = k + 1 < int(levels.size()) ? levels[k + 1] : 1e30;
        const cv::Mat b = blur(sharp, at);
        cv::parallel_for_(cv::Range(0, sharp.rows), [&](const cv::Range& rows) {
            for (int y = rows.start; y < rows.end; ++y) {
                const float* s = sigma.ptr<float>(y);
                const cv::Vec3f* in = b.ptr<cv::Vec3f>(y);
                cv::Vec3f* o = out.ptr<cv::Vec3f>(y);
                for (int x = 0; x < sharp.cols; ++x) {
                    const double v = s[x];
                    double w;
                    if (v <= at) w = k == lo ? 1.0 : (v - below) / (at - below);
                    else w = (above - v) / (above - at);
                    if (w > 0) o[x] += float(std::min(w, 1.0)) * in[x];
                }
            }
        });
    }
    return out;
}

}  // namespace

struct WarpedStack::Texture {
    std::vector<Grid> detail;
    std::vector<float> detail_weight;  // normalised: the sum has deviation about 1
    Grid patch_small;
    Grid coarse;  // 4 channels: large patches, the low-texture mask, two colour fields
    float mask_threshold = 0;  // mask values below it are the low-texture areas
    double depth_phase[2] = {0, 0};
    double width = 1, height = 1;

    double depth(double u, double v) const {
        const double x = u / width, y = v / height;
        const double d = 0.5 + 0.3 * std::sin(float(2 * kPi * (0.6 * x + 0.35 * y) + depth_phase[0])) +
                         0.2 * std::sin(float(2 * kPi * (-0.4 * x + 0.8 * y) + depth_phase[1]));
        return std::clamp(d, 0.0, 1.0);
    }
};

std::vector<FrameMotion> draw_motions(const WarpedStackOptions& o) {
    CV_Assert(o.frames >= 1);
    cv::RNG rng(0x9E3779B97F4A7C15ULL ^ (uint64_t(o.seed) * 0x2545F4914F6CDD1DULL + 7));
    const int ref = reference_of(o.frames);
    const int reach = std::max({ref, o.frames - 1 - ref, 1});
    std::vector<FrameMotion> motions(size_t(o.frames));
    for (int i = 0; i < o.frames; ++i) {
        FrameMotion& m = motions[size_t(i)];
        // Draws in a fixed order, one statement each (argument order is unspecified).
        const double angle = rng.uniform(-1.0, 1.0);
        const double dx = rng.uniform(-1.0, 1.0);
        const double dy = rng.uniform(-1.0, 1.0);
        const double gain = rng.uniform(-1.0, 1.0);
        if (i == ref) continue;
        m.scale = 1 + o.breathing * double(i - ref) / reach;
        m.angle_deg = o.max_rotation_deg * angle;
        m.dx = o.max_shift * dx;
        m.dy = o.max_shift * dy;
        m.gain = 1 + o.max_gain * gain;
    }
    return motions;
}

cv::Matx33d from_reference(const FrameMotion& m, cv::Size size) {
    const double cx = (size.width - 1) / 2.0, cy = (size.height - 1) / 2.0;
    const double a = m.angle_deg * kPi / 180, c = m.scale * std::cos(a), s = m.scale * std::sin(a);
    // x = centre + s R (u - centre) + d
    return {c, -s, cx + m.dx - (c * cx - s * cy), s, c, cy + m.dy - (s * cx + c * cy), 0, 0, 1};
}

cv::Matx33d to_reference(const FrameMotion& m, cv::Size size) {
    const double cx = (size.width - 1) / 2.0, cy = (size.height - 1) / 2.0;
    const double a = m.angle_deg * kPi / 180;
    const double c = std::cos(a) / m.scale, s = std::sin(a) / m.scale;
    // u = centre + R(-a) (x - centre - d) / scale
    const double ox = cx + m.dx, oy = cy + m.dy;
    return {c, s, cx - (c * ox + s * oy), -s, c, cy - (-s * ox + c * oy), 0, 0, 1};
}

double corner_error(const cv::Matx33d& estimate, const cv::Matx33d& truth, cv::Size size) {
    double worst = 0;
    for (const cv::Point2d p : {cv::Point2d(0, 0), cv::Point2d(size.width - 1, 0), cv::Point2d(0, size.height - 1),
                                cv::Point2d(size.width - 1, size.height - 1)}) {
        const cv::Vec3d a = estimate * cv::Vec3d(p.x, p.y, 1), b = truth * cv::Vec3d(p.x, p.y, 1);
        worst = std::max(worst, std::hypot(a[0] / a[2] - b[0] / b[2], a[1] / a[2] - b[1] / b[2]));
    }
    return worst;
}

WarpedStack::WarpedStack(const WarpedStackOptions& options) : WarpedStack(options, draw_motions(options)) {}

WarpedStack::WarpedStack(const WarpedStackOptions& options, std::vector<FrameMotion> motions)
    : options_(options), motions_(std::move(motions)) {
    CV_Assert(options_.width >= 16 && options_.height >= 16 && int(motions_.size()) == options_.frames);
    const cv::Size size = frame_size();
    // The reference-pixel area that some frame sees.
    double x0 = 0, y0 = 0, x1 = size.width, y1 = size.height;
    for (int i = 0; i < options_.frames; ++i) {
        const cv::Matx33d m = to_reference(i);
        for (const cv::Point2d p : {cv::Point2d(0, 0), cv::Point2d(size.width, 0), cv::Point2d(0, size.height),
                                    cv::Point2d(size.width, size.height)}) {
            const cv::Vec3d q = m * cv::Vec3d(p.x, p.y, 1);
            x0 = std::min(x0, q[0]), x1 = std::max(x1, q[0]);
            y0 = std::min(y0, q[1]), y1 = std::max(y1, q[1]);
        }
    }
    const cv::Rect2d domain(x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4);
    const double big = std::max(size.width, size.height);
    cv::RNG rng(0x5DEECE66DULL * (uint64_t(options_.seed) + 11));
    auto t = std::make_shared<Texture>();
    t->width = size.width;
    t->height = size.height;
    t->depth_phase[0] = rng.uniform(0.0, 2 * kPi);
    t->depth_phase[1] = rng.uniform(0.0, 2 * kPi);
    // Detail up to 128 px (or an eighth of the frame); the patches and the colour are coarser.
    for (double cell = options_.finest_cell; cell <= std::max(std::min(big / 8, 128.0), options_.finest_cell);
         cell *= 2) {
        t->detail.push_back(make_grid(cell, domain, rng));
        t->detail_weight.push_back(float(std::pow(cell, -0.1)));
    }
    t->patch_small = make_grid(std::max(8.0, big / 25), domain, rng);
    t->coarse = make_grid(std::max(16.0, big / 6), domain, rng, 4);
    // Normalise the detail to deviation 1, measured on a fixed lattice of points.
    double sum = 0, sum2 = 0;
    int n = 0;
    std::vector<float> masks;
    for (double v = 0; v < size.height; v += size.height / 64.0 + 0.37)
        for (double u = 0; u < size.width; u += size.width / 64.0 + 0.53, ++n) {
            double d = 0;
            for (size_t k = 0; k < t->detail.size(); ++k) d += t->detail_weight[k] * sample(t->detail[k], u, v);
            sum += d, sum2 += d * d;
            masks.push_back(sample4(t->coarse, u, v)[1]);
        }
    // The mask's quantile at low_texture: that share of the frame has almost no detail.
    const size_t q = std::min(masks.size() - 1, size_t(std::clamp(options_.low_texture, 0.0, 1.0) * masks.size()));
    std::nth_element(masks.begin(), masks.begin() + long(q), masks.end());
    t->mask_threshold = options_.low_texture > 0 ? masks[q] : -1e9f;
    const double dev = std::sqrt(std::max(sum2 / n - (sum / n) * (sum / n), 1e-12));
    for (float& w : t->detail_weight) w = float(w / dev);
    texture_ = std::move(t);
}

cv::Matx33d WarpedStack::to_reference(int index) const {
    return synth::to_reference(motions_.at(size_t(index)), frame_size());
}

double focus_depth(const WarpedStackOptions& o, int index) {
    const double m = o.focus_margin;
    return o.frames > 1 ? -m + (1 + 2 * m) * index / double(o.frames - 1) : 0.5;
}

double WarpedStack::focus(int index) const { return focus_depth(options_, index); }

cv::Mat WarpedStack::render(int index) const {
    const Texture& t = *texture_;
    const cv::Size size = frame_size();
    const FrameMotion& motion = motions_.at(size_t(index));
    const cv::Matx33d m = to_reference(index);
    const double f = focus(index), blur_scale = options_.max_blur * motion.scale;
    const float amplitude = float(options_.texture);
    // The defocus sees beyond the frame's edges, as a lens does: rendered on a margin wider than
    // the largest blur, then cropped (a blur reflected at the edges would differ from frame to
    // frame, a bias no camera has).
    const int pad = std::min(160, static_cast<int>(std::ceil(3 * blur_scale * 1.5)) + 2);
    const cv::Size canvas(size.width + 2 * pad, size.height + 2 * pad);
    cv::Mat sharp(canvas, CV_32FC3), sigma(canvas, CV_32F);
    cv::parallel_for_(cv::Range(0, canvas.height), [&](const cv::Range& rows) {
        for (int cy = rows.start; cy < rows.end; ++cy) {
            const int y = cy - pad;
            cv::Vec3f* out = sharp.ptr<cv::Vec3f>(cy);
            float* s = sigma.ptr<float>(cy);
            for (int cx = 0; cx < canvas.width; ++cx) {
                const int x = cx - pad;
                const double u = m(0, 0) * x + m(0, 1) * y + m(0, 2);
                const double v = m(1, 0) * x + m(1, 1) * y + m(1, 2);
                s[cx] = float(blur_scale * std::abs(t.depth(u, v) - f));
                float detail = 0;
                for (size_t k = 0; k < t.detail.size(); ++k) detail += t.detail_weight[k] * sample(t.detail[k], u, v);
                const cv::Vec4f coarse = sample4(t.coarse, u, v);
                const float patches = 0.6f * soft_step(3 * sample(t.patch_small, u, v)) +
                                      0.4f * soft_step(2 * coarse[0]);
                const float mv = (coarse[1] - t.mask_threshold) * 4;
                const float texture = 0.04f + 0.96f * std::clamp(mv, 0.f, 1.f);
                const float lum = 1 + amplitude * texture * (0.22f * detail + 0.3f * patches);
                const float ca = coarse[2], cb = coarse[3];
                const cv::Vec3f colour(0.42f + 0.12f * ca - 0.05f * cb, 0.45f + 0.04f * ca + 0.08f * cb,
                                       0.47f - 0.10f * ca + 0.06f * cb);
                for (int c = 0; c < 3; ++c) out[cx][c] = std::clamp(colour[c] * lum, 0.02f, 0.98f);
            }
        }
    });
    cv::Mat blurred = defocus(sharp, sigma)(cv::Rect(pad, pad, size.width, size.height)).clone();
    sharp.release();
    const bool sixteen = options_.sixteen_bit;
    const double full = sixteen ? 65535.0 : 255.0;
    cv::Mat noise(size, CV_32FC3, cv::Scalar::all(0));
    if (options_.noise > 0) {
        cv::RNG rng(uint64_t(options_.seed) * 0x9E3779B97F4A7C15ULL + uint64_t(index) * 1000003ULL + 1);
        rng.fill(noise, cv::RNG::NORMAL, 0.0, options_.noise * (sixteen ? 257.0 : 1.0));
    }
    cv::scaleAdd(blurred, motion.gain * full, noise, noise);
    cv::Mat out;
    noise.convertTo(out, sixteen ? CV_16UC3 : CV_8UC3);
    return out;
}

std::vector<cv::Mat> WarpedStack::render_all() const {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < size(); ++i) frames.push_back(render(i));
    return frames;
}

}  // namespace fstack::synth
