// SPDX-License-Identifier: GPL-3.0-or-later
// NoiseDetection: hot-pixel maps from a stack, and the job action that writes them.
#include "fstack/noise_detection.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/image_io.hpp"
#include "fstack/plot.hpp"

namespace fstack {
namespace fs = std::filesystem;

namespace {

// Median blur of a float plane: OpenCV filters float only with 3x3 and 5x5 windows, so larger
// windows work on an 8-bit copy (OpenCV's only depth for them); thresholds are 8-bit units anyway.
cv::Mat median(const cv::Mat& plane, int size, float max_value) {
    cv::Mat out;
    if (size <= 5) {
        cv::medianBlur(plane, out, size);
        return out;
    }
    cv::Mat q, m;
    plane.convertTo(q, CV_8U, 255.0 / max_value);
    cv::medianBlur(q, m, size);
    m.convertTo(out, CV_32F, max_value / 255.0);
    return out;
}

}  // namespace

void check_noise_detection_options(const NoiseDetectionOptions& o) {
    for (int t : o.channel_thresholds)
        if (t < 1) throw Error(ErrorKind::Usage, "NoiseDetection: channel_thresholds must be at least 1");
    if (o.blur_size < 3 || o.blur_size > 255 || o.blur_size % 2 == 0)
        throw Error(ErrorKind::Usage, "NoiseDetection: blur_size must be odd, 3..255, got " + std::to_string(o.blur_size));
    if (o.file_name.empty()) throw Error(ErrorKind::Usage, "NoiseDetection: file_name must not be empty");
}

NoiseMaps detect_noise(FrameSource& frames, std::array<int, 3> thresholds, int blur_size, Progress& progress) {
    NoiseDetectionOptions check;
    check.channel_thresholds = thresholds;
    check.blur_size = blur_size;
    check_noise_detection_options(check);
    const int n = frames.size();
    if (n == 0) throw Error(ErrorKind::Input, "NoiseDetection: no frames");
    progress.stage("noise detection", n);
    cv::Mat sum;
    int depth = CV_8U;
    for (int i = 0; i < n; ++i) {
        progress.check_cancel();
        const cv::Mat f = frames.frame(i);
        depth = f.depth();
        cv::Mat d;
        f.convertTo(d, CV_64F);
        if (sum.empty()) sum = d;
        else sum += d;
        progress.step(i + 1);
    }
    cv::Mat mean;
    sum.convertTo(mean, CV_32F, 1.0 / n);
    const float max = max_code_value(depth);
    const float unit = max / 255.0f;  // thresholds are in 8-bit code values
    std::vector<cv::Mat> planes;
    cv::split(mean, planes);
    NoiseMaps maps;
    cv::Mat* per_channel[3] = {&maps.r, &maps.g, &maps.b};
    // Frames are BGR: R is plane 2. A grey stack gives the same map for the three.
    for (int c = 0; c < 3; ++c) {
        const int plane = planes.size() >= 3 ? 2 - c : 0;
        cv::Mat diff;
        cv::absdiff(planes[static_cast<size_t>(plane)], median(planes[static_cast<size_t>(plane)], blur_size, max), diff);
        *per_channel[c] = diff > thresholds[static_cast<size_t>(c)] * unit;
        for (int t = 1; t <= kMaxCountThreshold; ++t) maps.counts[static_cast<size_t>(c)].push_back(cv::countNonZero(diff > t * unit));
    }
    maps.rgb = maps.r | maps.g | maps.b;
    return maps;
}

std::vector<fs::path> noise_map_files(const fs::path& dir, const std::string& file_name) {
    std::vector<fs::path> files;
    for (const char* suffix : {"-rgb.png", "-r.png", "-g.png", "-b.png"}) files.push_back(dir / (file_name + suffix));
    return files;
}

void write_noise_maps(const NoiseMaps& maps, const fs::path& dir, const std::string& file_name, const fs::path& plot_dir,
                      bool overwrite) {
    JobContext::make_output_folder(dir);
    const std::vector<fs::path> files = noise_map_files(dir, file_name);
    const cv::Mat* images[4] = {&maps.rgb, &maps.r, &maps.g, &maps.b};
    WriteOptions w;
    w.overwrite = overwrite;
    for (size_t i = 0; i < files.size(); ++i) write_image(files[i], *images[i], w);
    if (plot_dir.empty()) return;
    std::vector<double> t;
    for (int i = 1; i <= kMaxCountThreshold; ++i) t.push_back(i);
    std::vector<PlotSeries> series;
    const cv::Scalar colours[3] = {{0, 0, 230}, {0, 170, 0}, {230, 0, 0}};
    const char* names[3] = {"R", "G", "B"};
    for (int c = 0; c < 3; ++c) {
        std::vector<double> y;
        for (int v : maps.counts[static_cast<size_t>(c)]) y.push_back(std::log10(1.0 + v));
        series.push_back({t, y, colours[c], names[c]});
    }
    write_plot(plot_dir / (file_name + "-pixels.png"),
               render_plot(series, "NoiseDetection: log10(1 + noisy pixels) against the threshold (8-bit units)"));
}

NoiseDetection::NoiseDetection(std::string name, NoiseDetectionOptions options)
    : name_(std::move(name)), options_(std::move(options)) {
    check_noise_detection_options(options_);
}

ActionPaths NoiseDetection::paths(const JobContext& context) const {
    ActionPaths p;
    p.label = "NoiseDetection '" + name_ + "'";
    const fs::path working = context.working(options_.working_path);
    for (const fs::path& in : context.inputs(options_.input_path, p.label)) p.inputs.push_back(working / in);
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.output_folders = {working / p.out_rel};
    if (!options_.plot_path.empty()) p.output_folders.push_back(working / options_.plot_path);
    return p;
}

std::vector<fs::path> NoiseDetection::output_files(const JobContext& context) const {
    return noise_map_files(paths(context).output_folders.front(), options_.file_name);
}

fs::path NoiseDetection::run(JobContext& context) {
    Progress& progress = *context.progress;
    const ActionPaths ap = paths(context);
    std::vector<fs::path> frames_found;
    for (const auto& in : ap.inputs) {
        const auto frames = list_frames(in, progress);
        frames_found.insert(frames_found.end(), frames.begin(), frames.end());
    }
    if (frames_found.empty()) throw Error(ErrorKind::Input, ap.inputs.front().string(), -1, "no JPEG, PNG or TIFF frames");
    FileFrameSource frames(frames_found, progress);
    frames.validate();
    context.check_outputs(ap.label, ap.inputs, ap.output_folders, output_files(context));
    const NoiseMaps maps = detect_noise(frames, options_.channel_thresholds, options_.blur_size, progress);
    const fs::path& out_dir = ap.output_folders.front();
    write_noise_maps(maps, out_dir, options_.file_name,
                     options_.plot_path.empty() ? fs::path() : context.working(options_.working_path) / options_.plot_path,
                     context.overwrite);
    progress.info("NoiseDetection " + name_ + ": " + std::to_string(cv::countNonZero(maps.rgb)) +
                  " noisy pixels, map in " + (out_dir / (options_.file_name + "-rgb.png")).string());
    return ap.out_rel;
}

}  // namespace fstack
