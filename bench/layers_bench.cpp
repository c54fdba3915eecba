// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_layers_bench: peak memory and time of writing layered files with few and with many
// layers. The layered writers pull one layer at a time, so peak memory must not grow with the
// number of layers: the ratio printed (many / few) should be close to 1.
//
//   fstack_layers_bench [--size WxH] [--few N] [--many N] [--format tif,psd,pstif,ora]
//                       [--bits 8|16] [--workdir DIR] [--max-ratio R]
// Default: 4000x3000, 5 and 60 layers, every format, 8-bit (16-bit x 60 layers passes the
// 4 GB PSD limit). Each write runs in its own child process (its ru_maxrss is its own). Exit 1
// if a ratio is above --max-ratio (default 1.25).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "child_process.hpp"
#include "fstack/layers.hpp"

namespace fs = std::filesystem;
using namespace fstack;
using namespace fstack::bench;

namespace {

struct Args {
    int width = 4000, height = 3000, few = 5, many = 60, bits = 8;
    std::vector<std::string> formats{"tif", "psd", "pstif", "ora"};
    fs::path workdir = fs::temp_directory_path();
    double max_ratio = 1.25;
};

// A layer that is cheap to make but not trivially compressible: a gradient shifted per layer
// with some noise, like a frame of a stack.
cv::Mat make_layer(const Args& a, int index) {
    const int depth = a.bits == 16 ? CV_16U : CV_8U;
    cv::Mat m(a.height, a.width, CV_MAKETYPE(depth, 3));
    cv::RNG rng(static_cast<uint64_t>(index + 1));
    const double scale = a.bits == 16 ? 257.0 : 1.0;
    for (int y = 0; y < m.rows; ++y) {
        if (depth == CV_16U) {
            auto* p = m.ptr<uint16_t>(y);
            for (int x = 0; x < m.cols * 3; ++x) p[x] = uint16_t(((x / 3 + y + index * 17) % 200 + (x % 3) * 20) * scale);
        } else {
            auto* p = m.ptr<uint8_t>(y);
            for (int x = 0; x < m.cols * 3; ++x) p[x] = uint8_t((x / 3 + y + index * 17) % 200 + (x % 3) * 20);
        }
    }
    cv::Mat noise(m.size(), m.type());
    rng.fill(noise, cv::RNG::UNIFORM, 0, 8 * scale);
    m += noise;
    return m;
}

ChildOutcome write_once(const Args& a, const std::string& format_name, int layers) {
    return run_in_child([&] {
        const LayerFormat format = layer_format_from_name(format_name);
        LayeredImageSpec spec;
        spec.width = a.width;
        spec.height = a.height;
        spec.depth = a.bits == 16 ? CV_16U : CV_8U;
        for (int i = 0; i < layers; ++i) spec.layers.push_back({"layer " + std::to_string(i + 1), true, false});
        const fs::path out = a.workdir / ("fstack-layers-bench-" + std::to_string(layers) + "." + format_name +
                                          layer_format_extension(format));
        write_layered_file(out, format, spec, [&](int i) { return LayerPixels{make_layer(a, i), {}}; });
        Payload p;
        p.ok = true;
        std::error_code ec;
        p.value[0] = double(fs::file_size(out, ec)) / (1 << 20);
        fs::remove(out, ec);
        return p;
    });
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string x; std::getline(in, x, ',');) out.push_back(x);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
        if (k == "--size" && v) { std::sscanf(v, "%dx%d", &a.width, &a.height); ++i; }
        else if (k == "--few" && v) { a.few = std::atoi(v); ++i; }
        else if (k == "--many" && v) { a.many = std::atoi(v); ++i; }
        else if (k == "--bits" && v) { a.bits = std::atoi(v); ++i; }
        else if (k == "--format" && v) { a.formats = split(v); ++i; }
        else if (k == "--workdir" && v) { a.workdir = v; ++i; }
        else if (k == "--max-ratio" && v) { a.max_ratio = std::atof(v); ++i; }
        else {
            std::fprintf(stderr, "usage: fstack_layers_bench [--size WxH] [--few N] [--many N] "
                                 "[--format tif,psd,pstif,ora] [--bits 8|16] [--workdir DIR] [--max-ratio R]\n");
            return 2;
        }
    }
    const double frame_mib = double(a.width) * a.height * 3 * (a.bits / 8) / (1 << 20);
    std::printf("layered writers: %dx%d %d-bit RGB (one layer = %.0f MiB), %d vs %d layers, in %s\n",
                a.width, a.height, a.bits, frame_mib, a.few, a.many, a.workdir.c_str());
    std::printf("%-6s %7s %10s %10s %12s\n", "format", "layers", "wall s", "file MiB", "peak RSS MiB");
    bool ok = true;
    for (const std::string& f : a.formats) {
        double peak[2] = {0, 0};
        const int counts[2] = {a.few, a.many};
        for (int k = 0; k < 2; ++k) {
            const ChildOutcome r = write_once(a, f, counts[k]);
            if (!r.error.empty()) {
                std::printf("%-6s %7d  failed: %s\n", f.c_str(), counts[k], r.error.c_str());
                ok = false;
                continue;
            }
            peak[k] = r.peak_rss_mib;
            std::printf("%-6s %7d %10.1f %10.0f %12.0f\n", f.c_str(), counts[k], r.wall_s, r.payload.value[0],
                        r.peak_rss_mib);
            std::fflush(stdout);
        }
        if (peak[0] > 0 && peak[1] > 0) {
            const double ratio = peak[1] / peak[0];
            std::printf("%-6s peak RSS ratio %d/%d layers: %.3f%s\n", f.c_str(), a.many, a.few, ratio,
                        ratio > a.max_ratio ? "  ABOVE the limit" : "");
            if (ratio > a.max_ratio) ok = false;
        }
    }
    return ok ? 0 : 1;
}
