// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the GIMP 2.10 and GIMP 3 layered-file tests: documents with known layers, the
// parser of what the GIMP scripts (tests/gimp/gimp*_layers.sh) print, and pixel comparison.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/image_io.hpp"
#include "fstack/layers.hpp"

namespace fstack::test {
namespace fs = std::filesystem;

// Smooth gradients plus a little noise: exact values matter, and GIMP's PNG export must not
// be able to hide a channel swap or byte-order slip.
inline cv::Mat test_image(int w, int h, int depth, bool alpha, int seed) {
    const double max_value = depth == CV_16U ? 65535 : 255;
    cv::Mat m(h, w, CV_MAKETYPE(depth, alpha ? 4 : 3));
    cv::RNG rng(static_cast<uint64_t>(seed));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < m.channels(); ++c) {
                double v = c == 3 ? max_value  // opaque: GIMP drops colours of clear pixels
                                  : std::fmod((x * (c + 1) + y * (seed + 2)) * max_value / 97.0 + rng.uniform(0, 50), max_value);
                if (depth == CV_16U) m.ptr<uint16_t>(y)[x * m.channels() + c] = static_cast<uint16_t>(v);
                else m.ptr<uint8_t>(y)[x * m.channels() + c] = static_cast<uint8_t>(v);
            }
    if (alpha) {  // a transparent corner, to see alpha arrive
        cv::Mat a;
        cv::extractChannel(m, a, 3);
        a(cv::Rect(0, 0, w / 4, h / 4)).setTo(0);
        cv::insertChannel(a, m, 3);
    }
    return m;
}

struct Doc {
    fs::path path;
    LayerFormat format;
    LayeredImageSpec spec;
    std::vector<cv::Mat> pixels, masks;  // bottom first
};

inline Doc make_doc(const fs::path& path, LayerFormat format, int depth, bool alpha, bool masks) {
    Doc d{path, format, {}, {}, {}};
    const int w = 61, h = 37;
    d.spec.width = w;
    d.spec.height = h;
    d.spec.depth = depth;
    d.spec.alpha = alpha;
    d.spec.layers = {{"Depth map", false, false}, {"frame_0001.tif", true, masks},
                     {"frame_0002.tif", true, masks}, {"Focus stack", true, false}};
    for (size_t i = 0; i < d.spec.layers.size(); ++i) {
        d.pixels.push_back(test_image(w, h, depth, alpha, static_cast<int>(i)));
        cv::Mat m(h, w, CV_8U, cv::Scalar(0));
        if (d.spec.layers[i].has_mask) m(cv::Rect(0, 0, w / 2 + static_cast<int>(i) * 5, h)).setTo(255);
        d.masks.push_back(m);
    }
    write_layered_file(path, format, d.spec, [&](int i) {
        return LayerPixels{d.pixels[static_cast<size_t>(i)],
                           d.spec.layers[static_cast<size_t>(i)].has_mask ? d.masks[static_cast<size_t>(i)] : cv::Mat()};
    });
    return d;
}

struct Seen {
    int count = -1;
    struct Layer { std::string name; bool visible = true, mask = false; };
    std::map<int, Layer> layers;
};

inline std::map<std::string, Seen> parse(const std::string& log) {
    std::map<std::string, Seen> seen;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        const size_t at = line.find("FSTACK-");
        if (at == std::string::npos) continue;
        std::vector<std::string> f;
        std::stringstream s(line.substr(at));
        for (std::string x; std::getline(s, x, '|');) f.push_back(x);
        if (f[0] == "FSTACK-FILE" && f.size() >= 3) seen[f[1]].count = std::stoi(f[2]);
        if (f[0] == "FSTACK-LAYER" && f.size() >= 6)
            seen[f[1]].layers[std::stoi(f[2])] = {f[3], f[4] == "1", f[5] == "1"};
    }
    return seen;
}

// Largest difference in the units of `expected`'s depth (GIMP may export 8-bit PNGs of 16-bit
// layers; then the 8-bit rounding is the tolerance).
inline double difference(const cv::Mat& got, const cv::Mat& expected) {
    cv::Mat a = convert_channels(got, expected.channels());
    cv::Mat b = expected;
    if (a.depth() != b.depth()) {
        b = convert_depth(b, a.depth());
    }
    if (expected.channels() == 4) {
        // Colours of fully transparent pixels are not kept by GIMP's PNG export: compare alpha.
        cv::Mat alpha;
        cv::extractChannel(b, alpha, 3);
        cv::Mat clear = alpha == 0;
        a.setTo(cv::Scalar::all(0), clear);
        b = b.clone();
        b.setTo(cv::Scalar::all(0), clear);
    }
    return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace fstack::test
