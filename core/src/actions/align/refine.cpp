// SPDX-License-Identifier: GPL-3.0-or-later
// Sub-pixel registration by intensity: Gauss-Newton (ESM: both frames' gradients) on a pyramid, with
// each frame's brightness normalised over the shared area (ECC's photometric invariance).
#include "actions/align/refine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <opencv2/imgproc.hpp>

#include "actions/align/frame_warp.hpp"

namespace fstack {

namespace {

// Samples per level at most: enough for a hundredth of a pixel on a textured frame at the finest
// level; the coarser levels only bring the estimate into its basin there.
constexpr double kMaxSamples = 200000;
constexpr double kMaxCoarseSamples = 50000;
constexpr int kMaxParams = 8;

int params_of(AlignTransform model) { return model == AlignTransform::Rigid ? 4 : 8; }

// The points of the fixed level the registration looks at, with the level's values and
// gradients there.
struct Samples {
    std::vector<float> x, y, f, gx, gy;
    double cx = 0, cy = 0, length = 1;  // normalised coordinates: ((x, y) - centre) / length
};

Samples sample_fixed(const cv::Mat& level, double max_samples = kMaxSamples) {
    Samples s;
    const int w = level.cols, h = level.rows;
    const int stride = std::max(1, static_cast<int>(std::ceil(std::sqrt(double(w) * h / max_samples))));
    s.cx = (w - 1) / 2.0, s.cy = (h - 1) / 2.0, s.length = std::max(w, h) / 2.0;
    const int margin = 3;
    for (int y = margin; y < h - margin; y += stride) {
        const float* r = level.ptr<float>(y);
        const float* up = level.ptr<float>(y - 1);
        const float* down = level.ptr<float>(y + 1);
        for (int x = margin; x < w - margin; x += stride) {
            const float gx = 0.5f * (r[x + 1] - r[x - 1]), gy = 0.5f * (down[x] - up[x]);
            s.x.push_back(static_cast<float>(x));
            s.y.push_back(static_cast<float>(y));
            s.f.push_back(r[x]);
            s.gx.push_back(gx);
            s.gy.push_back(gy);
        }
    }
    return s;
}

// The steepest-descent row of sample i (the change of the fixed frame per parameter).
void steepest(const Samples& s, size_t i, int k, double gx, double gy, double* sd) {
    const double u = (s.x[i] - s.cx) / s.length, v = (s.y[i] - s.cy) / s.length;
    const double gu = gx * s.length, gv = gy * s.length;
    if (k == 4) {
        sd[0] = gu * u + gv * v, sd[1] = -gu * v + gv * u, sd[2] = gu, sd[3] = gv;
    } else {
        sd[0] = gu * u, sd[1] = gu * v, sd[2] = gu, sd[3] = gv * u, sd[4] = gv * v, sd[5] = gv;
        sd[6] = -gu * u * u - gv * u * v, sd[7] = -gu * u * v - gv * v * v;
    }
}

// Keys' cubic convolution weights (a = -0.5) for the fractional offset t.
inline void cubic_weights(float t, float* w) {
    const float t2 = t * t, t3 = t2 * t;
    w[0] = -0.5f * t3 + t2 - 0.5f * t;
    w[1] = 1.5f * t3 - 2.5f * t2 + 1;
    w[2] = -1.5f * t3 + 2 * t2 + 0.5f * t;
    w[3] = 0.5f * t3 - 0.5f * t2;
}

float bicubic(const cv::Mat& m, double u, double v) {
    const int x0 = static_cast<int>(u) - 1, y0 = static_cast<int>(v) - 1;
    float wx[4], wy[4];
    cubic_weights(static_cast<float>(u - (x0 + 1)), wx);
    cubic_weights(static_cast<float>(v - (y0 + 1)), wy);
    float sum = 0;
    for (int j = 0; j < 4; ++j) {
        const float* r = m.ptr<float>(y0 + j) + x0;
        sum += wy[j] * (wx[0] * r[0] + wx[1] * r[1] + wx[2] * r[2] + wx[3] * r[3]);
    }
    return sum;
}

float bilinear(const cv::Mat& m, double u, double v) {
    const int x0 = static_cast<int>(u), y0 = static_cast<int>(v);
    const float a = static_cast<float>(u - x0), b = static_cast<float>(v - y0);
    const float* r0 = m.ptr<float>(y0) + x0;
    const float* r1 = m.ptr<float>(y0 + 1) + x0;
    return (1 - b) * ((1 - a) * r0[0] + a * r0[1]) + b * ((1 - a) * r1[0] + a * r1[1]);
}

// The moving level sampled at W(x) for every sample (NaN where W(x) leaves the frame), and
// with `gradients` its gradient there, in the fixed frame's axes (through W's linear part).
void sample_moving(const cv::Mat& m, const Samples& s, const cv::Matx33d& w, std::vector<float>& out,
                   std::vector<float>* gx = nullptr, std::vector<float>* gy = nullptr) {
    out.resize(s.x.size());
    if (gx) gx->resize(s.x.size()), gy->resize(s.x.size());
    const double lo = gx ? 2.0 : 1.0, maxx = m.cols - 2.001 - lo, maxy = m.rows - 2.001 - lo;
    for (size_t i = 0; i < s.x.size(); ++i) {
        const double px = s.x[i], py = s.y[i];
        const double z = w(2, 0) * px + w(2, 1) * py + w(2, 2);
        const double u = (w(0, 0) * px + w(0, 1) * py + w(0, 2)) / z;
        const double v = (w(1, 0) * px + w(1, 1) * py + w(1, 2)) / z;
        if (!(u >= lo && v >= lo && u < maxx && v < maxy)) {
            out[i] = std::numeric_limits<float>::quiet_NaN();
            continue;
        }
        out[i] = bicubic(m, u, v);  // bilinear's smoothing varies with the sub-pixel offset: a bias
        if (gx) {
            const double du = 0.5 * (bilinear(m, u + 1, v) - bilinear(m, u - 1, v));
            const double dv = 0.5 * (bilinear(m, u, v + 1) - bilinear(m, u, v - 1));
            (*gx)[i] = static_cast<float>((w(0, 0) * du + w(1, 0) * dv) / z);
            (*gy)[i] = static_cast<float>((w(0, 1) * du + w(1, 1) * dv) / z);
        }
    }
}

// Zero-mean, unit-contrast difference of the moving samples against the fixed ones.
struct Residuals {
    double alpha = 1, mean_m = 0, mean_f = 0, sigma_f = 1;
    size_t count = 0;
};

Residuals normalise(const Samples& s, const std::vector<float>& m) {
    Residuals r;
    double sm = 0, sm2 = 0, sf = 0, sf2 = 0, smf = 0;
    for (size_t i = 0; i < m.size(); ++i) {
        if (std::isnan(m[i])) continue;
        sm += m[i], sm2 += double(m[i]) * m[i], sf += s.f[i], sf2 += double(s.f[i]) * s.f[i];
        smf += double(m[i]) * s.f[i];
        ++r.count;
    }
    if (r.count < 16) return r;
    const double n = static_cast<double>(r.count);
    r.mean_m = sm / n, r.mean_f = sf / n;
    const double vm = std::max(sm2 / n - r.mean_m * r.mean_m, 1e-12), vf = std::max(sf2 / n - r.mean_f * r.mean_f, 1e-12);
    r.sigma_f = std::sqrt(vf);
    // The least-squares gain and offset: the error's derivative in them vanishes, so the
    // Gauss-Newton step in the geometry alone descends the true error (sqrt(1 - rho^2)).
    r.alpha = (smf / n - r.mean_m * r.mean_f) / vm;
    return r;
}

double rms_error(const Samples& s, const std::vector<float>& m, const Residuals& r) {
    if (r.count < 16) return std::sqrt(2.0);
    double e2 = 0;
    for (size_t i = 0; i < m.size(); ++i) {
        if (std::isnan(m[i])) continue;
        const double e = r.alpha * (m[i] - r.mean_m) - (s.f[i] - r.mean_f);
        e2 += e * e;
    }
    return std::sqrt(e2 / static_cast<double>(r.count)) / r.sigma_f;
}

// The incremental warp of parameters p, in level pixels.
cv::Matx33d increment(const double* p, int k, const Samples& s) {
    cv::Matx33d d = k == 4 ? cv::Matx33d(1 + p[0], -p[1], p[2], p[1], 1 + p[0], p[3], 0, 0, 1)
                           : cv::Matx33d(1 + p[0], p[1], p[2], p[3], 1 + p[4], p[5], p[6], p[7], 1);
    const cv::Matx33d n(1 / s.length, 0, -s.cx / s.length, 0, 1 / s.length, -s.cy / s.length, 0, 0, 1);
    return n.inv() * d * n;
}

// The error of the moving level sampled through `w` (fixed pixels -> moving pixels).
double error_through(const cv::Mat& moving, const Samples& s, const cv::Matx33d& w) {
    std::vector<float> m;
    sample_moving(moving, s, w, m);
    return rms_error(s, m, normalise(s, m));
}

cv::Matx33d level_scale(int level) {
    const double f = std::ldexp(1.0, -level);
    return {f, 0, 0, 0, f, 0, 0, 0, 1};
}

// Gauss-Newton at one level; `w` maps fixed level pixels to moving level pixels. Returns the
// corner standard error (pixels of the level) of the last estimate.
double solve_level(const cv::Mat& moving, const Samples& s, AlignTransform model, int iterations, double tolerance,
                   cv::Matx33d& w) {
    const int k = params_of(model);
    std::vector<float> m, mgx, mgy;
    double sigma = 0;
    for (int it = 0; it < iterations; ++it) {
        sample_moving(moving, s, w, m, &mgx, &mgy);
        const Residuals r = normalise(s, m);
        if (r.count < static_cast<size_t>(8 * k)) break;
        cv::Matx<double, kMaxParams, kMaxParams> h = cv::Matx<double, kMaxParams, kMaxParams>::zeros();
        cv::Vec<double, kMaxParams> b = cv::Vec<double, kMaxParams>::all(0);
        double sd[kMaxParams], e2 = 0;
        for (size_t i = 0; i < m.size(); ++i) {
            if (std::isnan(m[i])) continue;
            const double e = r.alpha * (m[i] - r.mean_m) - (s.f[i] - r.mean_f);
            e2 += e * e;
            // ESM: the mean of both frames' gradients, so that the iteration converges to the
            // least-squares optimum (not a point biased towards the fixed frame's defocus).
            steepest(s, i, k, 0.5 * (s.gx[i] + r.alpha * mgx[i]), 0.5 * (s.gy[i] + r.alpha * mgy[i]), sd);
            for (int a = 0; a < k; ++a) {
                b[a] += sd[a] * e;
                for (int c = a; c < k; ++c) h(a, c) += sd[a] * sd[c];
            }
        }
        for (int a = 0; a < k; ++a)
            for (int c = 0; c < a; ++c) h(a, c) = h(c, a);
        for (int a = k; a < kMaxParams; ++a) h(a, a) = 1;  // unused parameters
        cv::Matx<double, kMaxParams, kMaxParams> hinv;
        if (cv::invert(h, hinv, cv::DECOMP_CHOLESKY) == 0) break;
        const cv::Vec<double, kMaxParams> dp = hinv * b;
        const cv::Matx33d d = increment(dp.val, k, s);
        w = w * d.inv();
        // The corner spread of the estimate: residual variance times the inverse Hessian,
        // through the parameters' effect on the farthest corner (u = v = 1 in normalised units).
        const double var = e2 / std::max<double>(1, static_cast<double>(r.count) - k);
        const double su = k == 4 ? hinv(0, 0) + hinv(1, 1) + hinv(2, 2) : hinv(0, 0) + hinv(1, 1) + hinv(2, 2);
        const double sv = k == 4 ? hinv(0, 0) + hinv(1, 1) + hinv(3, 3) : hinv(3, 3) + hinv(4, 4) + hinv(5, 5);
        sigma = std::sqrt(var * (su + sv)) * s.length;
        if (max_displacement(d, moving.size()) < tolerance) break;
    }
    return sigma;
}

}  // namespace

RegistrationPyramid registration_pyramid(const cv::Mat& grey) {
    RegistrationPyramid p;
    cv::Mat base;
    grey.convertTo(base, CV_32F);
    cv::GaussianBlur(base, base, cv::Size(), 1.0, 0, cv::BORDER_REPLICATE);
    p.levels.push_back(base);
    while (std::min(p.levels.back().cols, p.levels.back().rows) >= 96 && p.levels.size() < 6) {
        cv::Mat down;
        cv::pyrDown(p.levels.back(), down);
        p.levels.push_back(down);
    }
    return p;
}

double registration_error(const RegistrationPyramid& moving, const RegistrationPyramid& fixed, const cv::Matx33d& step) {
    return error_through(moving.levels[0], sample_fixed(fixed.levels[0]), step.inv());
}

Registration refine_registration(const RegistrationPyramid& moving, const RegistrationPyramid& fixed,
                                 const cv::Matx33d& start, AlignTransform model) {
    Registration out;
    out.step = start;
    const int levels = static_cast<int>(std::min(moving.levels.size(), fixed.levels.size()));
    if (levels == 0 || moving.size() != fixed.size()) return out;
    // Coarse levels only while the motion is still unknown to a pixel or two there: a start
    // from features is already within a pixel of the finest level.
    cv::Matx33d w0 = start.inv();  // fixed pixels -> moving pixels
    std::vector<Samples> samples(static_cast<size_t>(levels));
    double sigma = 0;
    for (int l = levels - 1; l >= 0; --l) {
        samples[l] = sample_fixed(fixed.levels[l], l == 0 ? kMaxSamples : kMaxCoarseSamples);
        const cv::Matx33d sc = level_scale(l);
        cv::Matx33d w = sc * w0 * sc.inv();
        sigma = solve_level(moving.levels[l], samples[l], model, l == 0 ? 12 : 20, l == 0 ? 0.002 : 0.01, w);
        w0 = sc.inv() * w * sc;
    }
    const cv::Matx33d refined = w0.inv();
    out.error_identity = error_through(moving.levels[0], samples[0], cv::Matx33d::eye());
    const double error_start = error_through(moving.levels[0], samples[0], start.inv());
    const double error_refined = error_through(moving.levels[0], samples[0], w0);
    // Diverged (a featureless frame, a wrong start far outside the basin): keep the start.
    if (!(error_refined <= error_start) || max_displacement(refined * start.inv(), moving.size()) > 0.1 * moving.size().width) {
        out.error_step = error_start;
        return out;
    }
    out.step = refined;
    out.error_step = error_refined;
    out.corner_sigma = sigma;
    out.converged = true;
    return out;
}

}  // namespace fstack
