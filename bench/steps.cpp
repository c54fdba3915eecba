// SPDX-License-Identifier: GPL-3.0-or-later
#include "steps.hpp"

#include "fstack/focus_stacker.hpp"
#include "fstack/threads.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/device.hpp"
#include "fstack/progress.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::bench {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Results travel between children as raw pixels: quick to write, and no codec in the timing.
void write_raw(const fs::path& path, const cv::Mat& m) {
    std::ofstream out(path, std::ios::binary);
    const int32_t header[3] = {m.rows, m.cols, m.type()};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    for (int y = 0; y < m.rows; ++y)
        out.write(reinterpret_cast<const char*>(m.ptr(y)), std::streamsize(m.cols * m.elemSize()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

cv::Mat read_raw(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    int32_t header[3] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    if (!in) return {};
    cv::Mat m(header[0], header[1], header[2]);
    in.read(reinterpret_cast<char*>(m.data), std::streamsize(m.total() * m.elemSize()));
    if (!in) throw std::runtime_error("truncated " + path.string());
    return m;
}

cv::Mat read_file(const fs::path& path) {
    cv::Mat m = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
    if (m.empty()) throw std::runtime_error("cannot read " + path.string());
    return m;
}

void write_png(const fs::path& path, const cv::Mat& m) {
    if (!cv::imwrite(path.string(), m, {cv::IMWRITE_PNG_COMPRESSION, 1}))
        throw std::runtime_error("cannot write " + path.string());
}

// Per pixel, the position in `subset` of the frame focused nearest the pixel's depth (CV_16U).
cv::Mat nearest_in_subset(const synth::Scene& scene, const std::vector<int>& subset) {
    std::vector<double> focus;
    for (int i : subset) focus.push_back(scene.focus(i));
    cv::Mat index(scene.depth.size(), CV_16U);
    for (int y = 0; y < index.rows; ++y) {
        const float* d = scene.depth.ptr<float>(y);
        uint16_t* out = index.ptr<uint16_t>(y);
        for (int x = 0; x < index.cols; ++x) {
            // focus is ascending: the nearest is the first at or above d, or the one before.
            size_t j = size_t(std::lower_bound(focus.begin(), focus.end(), double(d[x])) - focus.begin());
            if (j == focus.size() || (j > 0 && d[x] - focus[j - 1] <= focus[j] - d[x])) --j;
            out[x] = uint16_t(j);
        }
    }
    return index;
}

}  // namespace

StackFiles stack_files(const fs::path& dir, int frames) {
    StackFiles f;
    f.dir = dir;
    for (int i = 0; i < frames; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
        f.frames.push_back(dir / name);
    }
    return f;
}

std::vector<int> spread(int total, int count) {
    std::vector<int> out;
    for (int k = 0; k < count; ++k)
        out.push_back(count > 1 ? int(std::lround(double(k) * (total - 1) / (count - 1))) : 0);
    return out;
}

Payload render_stack(const synth::SceneOptions& options, const StackFiles& files,
                     const std::vector<std::vector<int>>& subsets) {
    Payload p;
    auto t = Clock::now();
    const synth::Scene scene = synth::make_scene(options);
    p.value[0] = since(t);

    std::vector<cv::Mat> index, oracle;
    for (const auto& subset : subsets) {
        index.push_back(nearest_in_subset(scene, subset));
        oracle.emplace_back(scene.ground_truth.size(), scene.ground_truth.type(), cv::Scalar::all(0));
    }
    double render_s = 0, write_s = 0, bytes = 0;
    for (int i = 0; i < options.frames; ++i) {
        t = Clock::now();
        const cv::Mat frame = synth::render_frame(scene, i);
        render_s += since(t);
        t = Clock::now();
        if (!cv::imwrite(files.frames[i].string(), frame, {cv::IMWRITE_JPEG_QUALITY, 95}))
            throw std::runtime_error("cannot write " + files.frames[i].string());
        write_s += since(t);
        bytes += double(fs::file_size(files.frames[i]));
        // The oracle picks from what the stackers will see: the decoded JPEG.
        cv::Mat decoded;
        for (size_t s = 0; s < subsets.size(); ++s)
            for (size_t j = 0; j < subsets[s].size(); ++j)
                if (subsets[s][j] == i) {
                    if (decoded.empty()) decoded = read_file(files.frames[i]);
                    decoded.copyTo(oracle[s], index[s] == int(j));
                }
    }
    p.value[1] = render_s;
    p.value[2] = write_s;
    p.value[3] = cv::getNumThreads();
    p.value[4] = bytes;

    const cv::Mat band = synth::occlusion_band(scene);
    write_png(files.ground_truth(), scene.ground_truth);
    write_png(files.band(), band);
    write_raw(files.depth_truth(), scene.depth);
    for (size_t s = 0; s < subsets.size() && s < 2; ++s) {
        p.value[5 + 3 * s] = synth::psnr(scene.ground_truth, oracle[s]);
        p.value[6 + 3 * s] = synth::psnr(scene.ground_truth, oracle[s], 0.03, band);
        p.value[7 + 3 * s] = synth::ssim(scene.ground_truth, oracle[s]);
    }
    return p;
}

Payload decode_only(const std::vector<fs::path>& frames) {
    Payload p;
    const auto t = Clock::now();
    FileFrameSource source(frames);
    for (int i = 0; i < source.size(); ++i) {
        const cv::Mat m = source.frame(i);
        if (m.empty()) throw std::runtime_error("empty frame " + source.frame_name(i));
    }
    p.value[0] = since(t);
    return p;
}

namespace {

// The GPU pipeline's "pyramid on cuda:0 (...): N MiB of device memory at most" note: where it
// comes, the stacker ran on the device, and N is its peak.
struct DeviceNote : Progress {
    double mib = -1;
    void log(LogLevel, const std::string& m) override {
        const size_t end = m.find(" MiB of device memory");
        if (end == std::string::npos) return;
        const size_t start = m.rfind(' ', end - 1);
        mib = std::stod(m.substr(start + 1, end - start - 1));
    }
};

}  // namespace

Payload stack(const std::string& stacker, const std::vector<fs::path>& frames,
              const fs::path& result, const fs::path& depth, int threads, const std::string& device) {
    set_threads(threads);
    std::unique_ptr<Stacker> s;
    if (stacker == "pyramid") s = std::make_unique<PyramidStack>();
    else if (stacker == "depthmap") s = std::make_unique<DepthMapStack>();
    else if (stacker == "focusmeasure") s = std::make_unique<FocusStacker>();
    else throw std::runtime_error("unknown stacker " + stacker);
    StackOptions options;
    if (device == "host") {
        // The GPU pipeline on the host executor: the GPU row's logic, checked without a GPU.
        if (stacker == "pyramid") s = make_pyramid_engine_stack(PyramidStackOptions{}, -1);
        if (stacker == "depthmap") s = make_depthmap_engine_stack(DepthMapStackOptions{}, -1);
        if (stacker == "focusmeasure") s = make_focusmeasure_engine_stack(FocusStackerOptions{}, -1);
        options.device = Device{};
    } else {
        options.device = resolve_device(device, "--device");  // cpu stays on the CPU on a GPU machine too
    }
    DeviceNote note;
    Payload p;
    const auto t = Clock::now();
    FileFrameSource source(frames);
    const StackResult r = fstack::stack(source, FramePipeline{}, *s, options, note);
    p.value[0] = since(t);
    p.value[1] = note.mib;
    write_raw(result, r.image);
    write_raw(depth, r.depth_map);
    return p;
}

Payload compare_results(const fs::path& result_a, const fs::path& depth_a, const fs::path& result_b,
                        const fs::path& depth_b) {
    const cv::Mat a = read_raw(result_a), b = read_raw(result_b);
    if (a.empty() || a.size != b.size || a.type() != b.type())
        throw std::runtime_error("results of different shapes: " + result_a.string() + ", " + result_b.string());
    Payload p;
    p.value[0] = cv::norm(a, b, cv::NORM_INF);
    const cv::Mat da = read_raw(depth_a), db = read_raw(depth_b);
    p.value[1] = -1;
    if (!da.empty() && da.size == db.size && da.type() == db.type()) {
        cv::Mat same;
        cv::compare(da, db, same, cv::CMP_EQ);
        p.value[1] = 100.0 * cv::countNonZero(same.reshape(1)) / double(same.total() * same.channels());
    }
    return p;
}

Payload evaluate(const StackFiles& files, const std::vector<double>& focus, double max_coc,
                 const fs::path& result, const fs::path& depth) {
    Payload p;
    const cv::Mat truth = read_file(files.ground_truth()), band = read_file(files.band());
    const cv::Mat image = read_raw(result);
    if (image.empty()) throw std::runtime_error("no result in " + result.string());
    p.value[0] = synth::psnr(truth, image);
    p.value[1] = synth::psnr(truth, image, 0.03, band);
    p.value[2] = synth::ssim(truth, image);
    p.value[3] = -1;
    const cv::Mat index = read_raw(depth), d = read_raw(files.depth_truth());
    if (!index.empty() && index.type() == CV_16U && index.size() == truth.size()) {
        double sharp = 0, counted = 0;
        for (int y = 0; y < index.rows; ++y)
            for (int x = 0; x < index.cols; ++x) {
                if (band.at<uint8_t>(y, x)) continue;
                const size_t j = std::min<size_t>(index.at<uint16_t>(y, x), focus.size() - 1);
                counted += 1;
                sharp += max_coc * std::abs(focus[j] - d.at<float>(y, x)) <= 1.0;
            }
        p.value[3] = 100.0 * sharp / std::max(1.0, counted);
    }
    return p;
}

}  // namespace fstack::bench
