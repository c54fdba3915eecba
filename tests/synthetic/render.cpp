// SPDX-License-Identifier: GPL-3.0-or-later
// Thin-lens rendering of one frame: layered, occlusion-aware disc blur in linear light.
//
// The depth range is cut into layers of nearly equal circle of confusion (CoC). The layer
// around the focus plane (|CoC| < 0.5 px) stays sharp; every other layer's premultiplied colour
// and coverage is blurred with an anti-aliased disc of its CoC radius and laid "over" the
// farther ones. Dividing by the accumulated coverage at the end fills the seams and the holes
// that a blurred occluder uncovers. (Real lenses also see a little of the background behind an
// occluder's edge; the layered model is the usual approximation and produces the halos that
// stackers must cope with.)
//
// The image is processed in independent 64x64 tiles, all layers of a tile at once, so every
// buffer is small and reused: 12-megapixel frames render in about a second per core, and the
// result does not depend on the number of threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "fstack/kernels/image/srgb.hpp"
#include "synthetic.hpp"

namespace fstack::synth {
namespace {

constexpr int kTile = 64;
constexpr int kMaxLayers = 64;  // presence is a 64-bit mask per tile

// A disc as one horizontal box per row: row dy spans +-half[dy] pixels (fractional ends),
// where 2 * half[dy] is the disc's area inside that row. The rows sum to the disc's area, the
// rim is anti-aliased, and r below about 0.56 leaves the image unchanged.
struct Disc {
    double radius = 0;
    int rows = 0;                 // rows span dy in [-rows, rows]
    std::vector<float> half;      // per dy + rows
    int reach = 0;                // pixels the disc reaches in x or y
    float inv_area = 0;
};

Disc make_disc(double r) {
    // Integral of the chord length 2 sqrt(r^2 - t^2) from 0 to t.
    auto chord_area = [r](double t) {
        t = std::clamp(t, -r, r);
        return t * std::sqrt(std::max(0.0, r * r - t * t)) + r * r * std::asin(t / r);
    };
    Disc d;
    d.radius = r;
    d.rows = int(std::ceil(r - 0.5));
    double area = 0, widest = 0;
    for (int dy = -d.rows; dy <= d.rows; ++dy) {
        const double h = 0.5 * (chord_area(dy + 0.5) - chord_area(dy - 0.5));
        d.half.push_back(float(h));
        area += 2 * h;
        widest = std::max(widest, h);
    }
    d.reach = std::max(d.rows, int(std::ceil(widest + 0.5)));
    d.inv_area = float(1 / area);
    return d;
}

// Layers of signed CoC c = max_coc * (d - focus). Layer "ring 0" is |c| < 0.5 (rendered
// sharp); rings outside it grow by 25% of their inner CoC, at most 1 px, so that the small
// blurs next to the focus plane, which decide what a stacker can reach, are quantised finely.
// Coarser steps are used only where max_layers would be exceeded.
std::vector<double> ring_edges(double extent, int max_rings) {
    for (double grow = 1;; grow *= 1.15) {
        std::vector<double> edges{0.5};
        while (edges.back() < extent && int(edges.size()) <= max_rings)
            edges.push_back(edges.back() + grow * std::min(1.0, 0.25 * edges.back()));
        if (edges.back() >= extent) return edges;
    }
}

struct Layering {
    std::vector<double> edges;  // ring j is edges[j-1] <= |c| < edges[j]
    int n_near = 0, n_far = 0;  // layer k = n_near + signed ring, 0 = nearest
    std::vector<Disc> discs;    // per layer; radius 0 = sharp
};

Layering make_layers(const Scene& scene, double focus) {
    const double coc = scene.options.max_coc;
    double dmin = 0, dmax = 1;
    cv::minMaxLoc(scene.depth, &dmin, &dmax);
    const double near_c = std::max(0.0, coc * (focus - dmin));
    const double far_c = std::max(0.0, coc * (dmax - focus));
    const int max_layers = std::clamp(scene.options.max_layers, 3, kMaxLayers);
    Layering l;
    // Both sides share one ring list; take the finest whose layers fit in max_layers.
    for (int rings = max_layers - 1; rings >= 1; --rings) {
        l.edges = ring_edges(std::max(near_c, far_c), rings);
        const int last = int(l.edges.size()) - 1;
        auto used = [&](double c) {
            return std::min(last, int(std::lower_bound(l.edges.begin(), l.edges.end(), c) -
                                      l.edges.begin()));
        };
        l.n_near = used(near_c);
        l.n_far = used(far_c);
        if (l.n_near + l.n_far + 1 <= max_layers) break;
    }
    for (int k = 0; k < l.n_near + 1 + l.n_far; ++k) {
        const int ring = std::abs(k - l.n_near);
        l.discs.push_back(ring == 0 ? Disc{} : make_disc(0.5 * (l.edges[ring - 1] + l.edges[ring])));
    }
    return l;
}

// Per-pixel layer index (CV_8U) and, per tile, the mask of layers present in it.
void classify(const Scene& scene, double focus, const Layering& l, cv::Mat& index,
              std::vector<uint64_t>& present, int tiles_x, int tiles_y) {
    const float coc = float(scene.options.max_coc);
    const float f = float(focus);
    const int w = scene.depth.cols, h = scene.depth.rows;
    index.create(h, w, CV_8U);
    present.assign(size_t(tiles_x) * tiles_y, 0);
    cv::parallel_for_(cv::Range(0, tiles_y), [&](const cv::Range& range) {
        for (int ty = range.start; ty < range.end; ++ty) {
            for (int y = ty * kTile; y < std::min(h, (ty + 1) * kTile); ++y) {
                const float* d = scene.depth.ptr<float>(y);
                uint8_t* out = index.ptr<uint8_t>(y);
                for (int x = 0; x < w; ++x) {
                    const float c = coc * (d[x] - f);
                    const int ring = int(std::upper_bound(l.edges.begin(), l.edges.end(),
                                                          double(std::abs(c))) - l.edges.begin());
                    const int k = l.n_near + (c < 0 ? -std::min(ring, l.n_near)
                                                    : std::min(ring, l.n_far));
                    out[x] = uint8_t(k);
                    present[size_t(ty) * tiles_x + x / kTile] |= uint64_t(1) << k;
                }
            }
        }
    });
}

// Per-thread scratch, reused from tile to tile.
struct Scratch {
    std::vector<float> acc;     // tile, premultiplied BGR + coverage
    std::vector<float> sum;     // blurred layer on the tile
    std::vector<float> prefix;  // row prefix sums of the layer over the tile's window
};

// Blurs layer k with `disc` onto the tile `t` and lays it over s.acc.
void blur_layer(const Scene& scene, const cv::Mat& index, int k, const Disc& disc,
                const cv::Rect& t, Scratch& s) {
    const int w = index.cols, h = index.rows;
    const int reach = disc.reach + 1;
    const int x0 = t.x - reach, cols = t.width + 2 * reach;  // window columns
    const int y0 = std::max(0, t.y - disc.rows), y1 = std::min(h, t.y + t.height + disc.rows);
    const size_t stride = size_t(cols + 1) * 4;
    s.prefix.resize(stride * size_t(y1 - y0));
    bool any = false;
    for (int y = y0; y < y1; ++y) {
        float* p = s.prefix.data() + stride * size_t(y - y0);
        const uint8_t* id = index.ptr<uint8_t>(y);
        const float* lin = scene.linear.ptr<float>(y);
        float acc[4] = {0, 0, 0, 0};
        p[0] = p[1] = p[2] = p[3] = 0;
        for (int c = 0; c < cols; ++c) {
            const int x = x0 + c;
            if (x >= 0 && x < w && id[x] == k) {
                acc[0] += lin[3 * x];
                acc[1] += lin[3 * x + 1];
                acc[2] += lin[3 * x + 2];
                acc[3] += 1;
                any = true;
            }
            std::copy(acc, acc + 4, p + 4 * (c + 1));
        }
    }
    if (!any) return;

    // Box [x - half, x + half] of row y + dy, through the prefix sums of pixel-wide steps:
    // the integral up to u is P[floor(v)] + frac(v) * (P[floor(v) + 1] - P[floor(v)]), with
    // v = u - x0 + 0.5.
    const int n = t.width * 4;
    s.sum.assign(size_t(n) * t.height, 0.f);
    for (int dy = -disc.rows; dy <= disc.rows; ++dy) {
        const float half = disc.half[dy + disc.rows];
        const float hi = reach + 0.5f + half, lo = reach + 0.5f - half;
        const int chi = int(std::floor(hi)), clo = int(std::floor(lo));
        const float fhi = hi - chi, flo = lo - clo;
        for (int y = t.y; y < t.y + t.height; ++y) {
            const int src = y + dy;
            if (src < y0 || src >= y1) continue;
            const float* p = s.prefix.data() + stride * size_t(src - y0);
            const float* ph = p + 4 * chi;
            const float* pl = p + 4 * clo;
            float* out = s.sum.data() + size_t(n) * (y - t.y);
            for (int j = 0; j < n; ++j)
                out[j] += (1 - fhi) * ph[j] + fhi * ph[j + 4] - (1 - flo) * pl[j] - flo * pl[j + 4];
        }
    }
    for (size_t j = 0; j < s.sum.size(); j += 4) {
        const float cover = std::clamp(s.sum[j + 3] * disc.inv_area, 0.f, 1.f);
        if (cover <= 0) continue;
        float* a = s.acc.data() + j;
        for (int c = 0; c < 3; ++c) a[c] = s.sum[j + c] * disc.inv_area + (1 - cover) * a[c];
        a[3] = cover + (1 - cover) * a[3];
    }
}

}  // namespace

cv::Mat render_at(const Scene& scene, double focus, double noise, unsigned noise_seed) {
    const int w = scene.linear.cols, h = scene.linear.rows;
    const int tiles_x = (w + kTile - 1) / kTile, tiles_y = (h + kTile - 1) / kTile;
    const Layering layers = make_layers(scene, focus);
    const int count = int(layers.discs.size());
    cv::Mat index;
    std::vector<uint64_t> present;
    classify(scene, focus, layers, index, present, tiles_x, tiles_y);

    // Layers whose blur can reach tile (tx, ty): OR of the presence of the tiles within reach.
    auto relevant = [&](int tx, int ty) {
        uint64_t mask = 0;
        for (int k = 0; k < count; ++k) {
            const int r = (layers.discs[k].reach + kTile) / kTile;
            for (int y = std::max(0, ty - r); y <= std::min(tiles_y - 1, ty + r); ++y)
                for (int x = std::max(0, tx - r); x <= std::min(tiles_x - 1, tx + r); ++x)
                    mask |= present[size_t(y) * tiles_x + x] & (uint64_t(1) << k);
        }
        return mask;
    };

    const bool sixteen = scene.options.sixteen_bit;
    const float scale = sixteen ? 65535.f : 255.f;
    const float sigma = float(noise * (sixteen ? 257.0 : 1.0));
    static const kernels::SrgbEncoder encode;
    cv::Mat out(h, w, sixteen ? CV_16UC3 : CV_8UC3);

    cv::parallel_for_(cv::Range(0, tiles_x * tiles_y), [&](const cv::Range& range) {
        Scratch s;
        cv::Mat grain(kTile, kTile * 3, CV_32F, cv::Scalar(0));
        for (int tile = range.start; tile < range.end; ++tile) {
            const int tx = tile % tiles_x, ty = tile / tiles_x;
            const cv::Rect t = cv::Rect(tx * kTile, ty * kTile, kTile, kTile) & cv::Rect(0, 0, w, h);
            s.acc.assign(size_t(t.area()) * 4, 0.f);
            const uint64_t mask = relevant(tx, ty);
            for (int k = count - 1; k >= 0; --k) {  // far to near
                if (!(mask >> k & 1)) continue;
                if (layers.discs[k].radius > 0) {
                    blur_layer(scene, index, k, layers.discs[k], t, s);
                    continue;
                }
                for (int y = 0; y < t.height; ++y) {  // sharp: "over" with coverage 1 replaces
                    const uint8_t* id = index.ptr<uint8_t>(t.y + y) + t.x;
                    const float* lin = scene.linear.ptr<float>(t.y + y) + 3 * t.x;
                    float* a = s.acc.data() + size_t(4) * t.width * y;
                    for (int x = 0; x < t.width; ++x)
                        if (id[x] == k) {
                            std::copy(lin + 3 * x, lin + 3 * x + 3, a + 4 * x);
                            a[4 * x + 3] = 1.f;
                        }
                }
            }
            // Normalise by coverage, encode to sRGB, add noise, quantise.
            if (sigma > 0) {
                cv::RNG rng(uint64_t(noise_seed) * 0x9E3779B97F4A7C15ULL + uint64_t(tile) + 1);
                rng.fill(grain, cv::RNG::NORMAL, 0.f, sigma);
            }
            for (int y = 0; y < t.height; ++y) {
                const float* a = s.acc.data() + size_t(4) * t.width * y;
                const float* g = grain.ptr<float>(y);
                for (int x = 0; x < t.width; ++x) {
                    const float inv = a[4 * x + 3] > 1e-6f ? 1.f / a[4 * x + 3] : 0.f;
                    for (int c = 0; c < 3; ++c) {
                        const float v = encode(a[4 * x + c] * inv) * scale + g[3 * x + c];
                        if (sixteen)
                            out.ptr<uint16_t>(t.y + y)[3 * (t.x + x) + c] = cv::saturate_cast<uint16_t>(v);
                        else
                            out.ptr<uint8_t>(t.y + y)[3 * (t.x + x) + c] = cv::saturate_cast<uint8_t>(v);
                    }
                }
            }
        }
    });
    return out;
}

cv::Mat render_frame(const Scene& scene, int index) {
    CV_Assert(index >= 0 && index < scene.options.frames);
    return render_at(scene, scene.focus(index), scene.options.noise,
                     scene.options.seed * 1000003u + unsigned(index));
}

std::vector<cv::Mat> render_all(const Scene& scene) {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < scene.options.frames; ++i) frames.push_back(render_frame(scene, i));
    return frames;
}

}  // namespace fstack::synth
