// SPDX-License-Identifier: GPL-3.0-or-later
// Scene construction: procedural texture (the ground truth) and depth map.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/kernels/image/srgb.hpp"
#include "synthetic.hpp"

namespace fstack::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Random draws in a fixed order: function arguments are evaluated in an unspecified order, so
// two draws in one call could differ between compilers and break "same seed, same scene".
double draw(cv::RNG& rng, double lo, double hi) { return rng.uniform(lo, hi); }
cv::Point2d draw_point(cv::RNG& rng, double x0, double x1, double y0, double y1) {
    const double x = rng.uniform(x0, x1);
    const double y = rng.uniform(y0, y1);
    return {x, y};
}

// Sum of value-noise octaves (uniform random values on a grid of `cell` pixels, bicubic in
// between) from `finest` to `coarsest` cell size, each weighted by cell^exponent, normalised to
// mean 0, deviation 1. Grids are a non-integer number of cells wide so the octaves do not share
// grid lines; the buffers are reused because fresh pages are expensive.
cv::Mat fractal_noise(cv::Size size, double finest, double coarsest, double exponent, int channels,
                      cv::RNG& rng) {
    cv::Mat sum = cv::Mat::zeros(size, CV_32FC(channels)), grid, up;
    for (double cell = finest; cell <= coarsest; cell *= 2) {
        grid.create(int(size.height / cell) + 2, int(size.width / cell) + 2, CV_32FC(channels));
        rng.fill(grid, cv::RNG::UNIFORM, 0.f, 1.f);
        cv::resize(grid, up, size, 0, 0, cv::INTER_CUBIC);
        cv::scaleAdd(up, std::pow(cell, exponent), sum, sum);
    }
    cv::Scalar mean, dev;
    cv::meanStdDev(sum.reshape(1, int(sum.total())), mean, dev);
    sum.convertTo(sum, CV_32F, 1 / std::max(dev[0], 1e-6), -mean[0] / std::max(dev[0], 1e-6));
    return sum;
}

cv::Scalar random_colour(cv::RNG& rng) {
    const int b = rng.uniform(0, 256), g = rng.uniform(0, 256), r = rng.uniform(0, 256);
    return cv::Scalar(b, g, r);
}

// Random shapes, lines and text into an 8-bit colour layer plus its anti-aliased coverage
// (OpenCV anti-aliases 8-bit images only, hence the separate 8-bit layer).
void draw_shapes(cv::Mat& colour, cv::Mat& cover, cv::RNG& rng) {
    const cv::Size size = colour.size();
    const double side = std::min(size.width, size.height);
    const int count = std::max(8, int(double(size.area()) / (110.0 * 110.0)));
    auto point = [&] { return cv::Point(draw_point(rng, 0, size.width, 0, size.height)); };
    // Log-uniform sizes from a few pixels to an eighth of the image: edges at every scale.
    auto extent = [&] { return std::exp(rng.uniform(std::log(4.0), std::log(side / 8))); };
    for (int n = 0; n < count; ++n) {
        const cv::Scalar c = random_colour(rng);
        const int kind = rng.uniform(0, 10);
        if (kind < 3) {  // filled disc
            const cv::Point p = point();
            const int r = int(extent());
            cv::circle(colour, p, r, c, cv::FILLED, cv::LINE_AA);
            cv::circle(cover, p, r, 255, cv::FILLED, cv::LINE_AA);
        } else if (kind < 6) {  // filled triangle or quadrilateral
            const cv::Point p = point();
            const double e = extent();
            std::vector<cv::Point> poly;
            const int corners = rng.uniform(3, 5);
            for (int k = 0; k < corners; ++k) {
                const double a = 2 * kPi * (k + rng.uniform(0.0, 0.8)) / corners;
                poly.emplace_back(p.x + int(e * std::cos(a)), p.y + int(e * std::sin(a)));
            }
            cv::fillPoly(colour, std::vector<std::vector<cv::Point>>{poly}, c, cv::LINE_AA);
            cv::fillPoly(cover, std::vector<std::vector<cv::Point>>{poly}, 255, cv::LINE_AA);
        } else if (kind < 9) {  // line, 1 to 3 pixels
            const cv::Point p = point();
            const double e = 2 * extent(), a = rng.uniform(0.0, kPi);
            const cv::Point q(p.x + int(e * std::cos(a)), p.y + int(e * std::sin(a)));
            const int t = rng.uniform(1, 4);
            cv::line(colour, p, q, c, t, cv::LINE_AA);
            cv::line(cover, p, q, 255, t, cv::LINE_AA);
        } else {  // a word: dense high-frequency detail
            std::string word;
            for (int k = rng.uniform(3, 9); k > 0; --k) word += char('A' + rng.uniform(0, 26));
            const double scale = std::max(0.4, extent() / 30);
            const int t = std::max(1, int(scale * 1.5));
            const cv::Point p = point();
            cv::putText(colour, word, p, cv::FONT_HERSHEY_SIMPLEX, scale, c, t, cv::LINE_AA);
            cv::putText(cover, word, p, cv::FONT_HERSHEY_SIMPLEX, scale, 255, t, cv::LINE_AA);
        }
    }
}

// A sharp texture in sRGB [0, 1]: smooth colour field times multi-octave luminance detail, with
// shapes, lines and text laid over it (themselves modulated by the detail, so nothing is flat).
cv::Mat make_texture(cv::Size size, cv::RNG& rng) {
    const double big = std::max(size.width, size.height);
    // Detail: every octave about equally strong, so there is texture down to 2-pixel scale
    // everywhere (what focus measures and stackers need), unlike natural 1/f images.
    cv::Mat detail = fractal_noise(size, 2, big / 4, -0.1, 1, rng);
    cv::Mat colour = fractal_noise(size, big / 32, big / 4, 0.3, 3, rng);
    cv::Mat shapes(size, CV_8UC3, cv::Scalar::all(0)), cover(size, CV_8UC1, cv::Scalar(0));
    draw_shapes(shapes, cover, rng);

    cv::Mat tex(size, CV_32FC3);
    cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* d = detail.ptr<float>(y);
            const cv::Vec3f* c = colour.ptr<cv::Vec3f>(y);
            const cv::Vec3b* s = shapes.ptr<cv::Vec3b>(y);
            const uint8_t* a = cover.ptr<uint8_t>(y);
            cv::Vec3f* t = tex.ptr<cv::Vec3f>(y);
            for (int x = 0; x < size.width; ++x) {
                const float lum = 1.f + 0.35f * d[x];
                const float alpha = a[x] * (0.85f / 255.f);
                for (int k = 0; k < 3; ++k) {
                    const float base = (0.45f + 0.16f * c[x][k]) * lum;
                    const float shape = s[x][k] * (1.f / 255.f) * (0.8f + 0.2f * lum);
                    t[x][k] = std::clamp(base + alpha * (shape - base), 0.01f, 0.99f);
                }
            }
        }
    });
    return tex;
}

}  // namespace

double Scene::focus(int index) const {
    return options.frames > 1 ? double(index) / (options.frames - 1) : 0.5;
}

Scene make_scene(const SceneOptions& options) {
    CV_Assert(options.width >= 16 && options.height >= 16 && options.frames >= 1);
    Scene scene;
    scene.options = options;
    const cv::Size size(options.width, options.height);
    const int w = options.width, h = options.height;
    const double side = std::min(w, h);
    cv::RNG rng(0x5DEECE66DULL * (uint64_t(options.seed) + 1));

    // Background: a slope from near-left-top to far-right-bottom with a gentle wave, d in [0.3, 1].
    cv::Mat depth(size, CV_32F);
    const double phase = rng.uniform(0.0, 2 * kPi);
    for (int y = 0; y < h; ++y) {
        float* d = depth.ptr<float>(y);
        for (int x = 0; x < w; ++x) {
            const double u = double(x) / w, v = double(y) / h;
            const double wave = 0.5 + 0.5 * std::sin(2 * kPi * (1.3 * u + 0.7 * v) + phase);
            d[x] = float(0.3 + 0.7 * (0.55 * u + 0.35 * v + 0.1 * wave));
        }
    }

    // Foreground occluders, back to front. Each has a hard mask for depth and an anti-aliased
    // one for the texture; their own textures make the occlusion edges visible edges.
    cv::Mat texture = make_texture(size, rng);
    // The occluders wear the texture turned by 180 degrees with its channels rotated: unrelated
    // to the background next to them (so their outlines are edges), at no extra generation cost.
    cv::Mat fg_texture;
    cv::flip(texture, fg_texture, -1);
    cv::mixChannels(std::vector<cv::Mat>{fg_texture.clone()}, std::vector<cv::Mat>{fg_texture},
                    std::vector<int>{0, 1, 1, 2, 2, 0});
    auto add_object = [&](const cv::Mat& hard, const cv::Mat& soft, const cv::Vec3f& tint,
                          auto depth_at) {
        const cv::Rect box = cv::boundingRect(soft);
        for (int y = box.y; y < box.y + box.height; ++y) {
            const uint8_t* m = hard.ptr<uint8_t>(y);
            const uint8_t* a = soft.ptr<uint8_t>(y);
            float* d = depth.ptr<float>(y);
            cv::Vec3f* t = texture.ptr<cv::Vec3f>(y);
            const cv::Vec3f* f = fg_texture.ptr<cv::Vec3f>(y);
            for (int x = box.x; x < box.x + box.width; ++x) {
                if (m[x]) d[x] = float(depth_at(x, y));
                if (!a[x]) continue;
                const float alpha = a[x] / 255.f;
                for (int k = 0; k < 3; ++k) {
                    const float fg = std::clamp(f[x][k] * tint[k], 0.01f, 0.99f);
                    t[x][k] += alpha * (fg - t[x][k]);
                }
            }
        }
    };
    cv::Mat hard(size, CV_8U), soft(size, CV_8U);  // object masks, reused
    auto tint = [&] {
        cv::Vec3f t;
        for (int k = 0; k < 3; ++k) t[k] = float(draw(rng, 0.6, 1.4));
        return t;
    };

    {  // A tilted polygon at mid-near depth (0.17 .. 0.23).
        const cv::Point2d c = draw_point(rng, w * 0.22, w * 0.42, h * 0.3, h * 0.6);
        const double r = side * rng.uniform(0.18, 0.26);
        std::vector<cv::Point> poly;
        for (int k = 0; k < 7; ++k) {
            const double a = 2 * kPi * (k + rng.uniform(0.0, 0.7)) / 7;
            const double rr = r * rng.uniform(0.7, 1.0);
            poly.emplace_back(int(c.x + rr * std::cos(a)), int(c.y + rr * std::sin(a)));
        }
        hard.setTo(0);
        soft.setTo(0);
        cv::fillPoly(hard, std::vector<std::vector<cv::Point>>{poly}, 255, cv::LINE_8);
        cv::fillPoly(soft, std::vector<std::vector<cv::Point>>{poly}, 255, cv::LINE_AA);
        add_object(hard, soft, tint(),
                   [&](int x, int) { return 0.2 + 0.03 * std::clamp((x - c.x) / r, -1.0, 1.0); });
    }
    {  // A thin diagonal bar at depth 0.12: thin occluders are where halos are worst.
        const cv::Point p(draw_point(rng, w * 0.05, w * 0.3, h * 0.75, h * 0.95));
        const cv::Point q(draw_point(rng, w * 0.7, w * 0.95, h * 0.05, h * 0.25));
        const int t = std::max(3, int(side * 0.015));
        hard.setTo(0);
        soft.setTo(0);
        cv::line(hard, p, q, 255, t, cv::LINE_8);
        cv::line(soft, p, q, 255, t, cv::LINE_AA);
        add_object(hard, soft, tint(), [](int, int) { return 0.12; });
    }
    {  // A dome-shaped disc, nearest of all (0 at its centre, 0.08 at its rim).
        const cv::Point2d c = draw_point(rng, w * 0.55, w * 0.72, h * 0.35, h * 0.62);
        const double r = side * rng.uniform(0.13, 0.18);
        hard.setTo(0);
        soft.setTo(0);
        cv::circle(hard, cv::Point(c), int(r), 255, cv::FILLED, cv::LINE_8);
        cv::circle(soft, cv::Point(c), int(r), 255, cv::FILLED, cv::LINE_AA);
        add_object(hard, soft, tint(), [&](int x, int y) {
            const double q = ((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y)) / (r * r);
            return 0.08 * std::min(q, 1.0);
        });
    }
    scene.depth = depth;

    // Quantise the texture: the ground truth is what the camera would record in focus, and the
    // renderer starts from exactly those code values.
    const bool sixteen = options.sixteen_bit;
    const int levels = sixteen ? 65536 : 256;
    texture.convertTo(scene.ground_truth, sixteen ? CV_16UC3 : CV_8UC3, levels - 1);
    const std::vector<float> decode = kernels::srgb_decode_table(levels);
    scene.linear.create(size, CV_32FC3);
    cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            float* out = scene.linear.ptr<float>(y);
            for (int x = 0; x < 3 * w; ++x)
                out[x] = decode[sixteen ? scene.ground_truth.ptr<uint16_t>(y)[x]
                                        : scene.ground_truth.ptr<uint8_t>(y)[x]];
        }
    });
    return scene;
}

}  // namespace fstack::synth
