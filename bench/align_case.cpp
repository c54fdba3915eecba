// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_bench --align: decode-only, `fstack stack --align none`, `fstack stack` (defaults) on a
// stack with known warps, and every frame's corner error against them (align_case.hpp).
#include "align_case.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "child_process.hpp"
#include "frame_action_options.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/frame_source.hpp"
#include "steps.hpp"
#include "warped.hpp"

namespace fstack::bench {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr double kMaxTimeRatio = 1.3, kMaxRssRatio = 1.15, kMaxCornerError = 0.1;  // issue 12

synth::WarpedStackOptions stack_options(const AlignCaseOptions& a) {
    synth::WarpedStackOptions o;
    o.width = a.width;
    o.height = a.height;
    o.frames = a.frames;
    o.seed = a.seed;
    o.breathing = a.breathing;
    o.max_shift = a.max_shift;
    o.max_rotation_deg = a.max_rotation_deg;
    o.max_gain = a.max_gain;
    o.max_blur = a.max_blur >= 0 ? a.max_blur : 0.006 * std::max(a.width, a.height);
    o.noise = a.noise;
    return o;
}

std::vector<fs::path> frame_paths(const fs::path& dir, int frames) {
    std::vector<fs::path> paths;
    for (int i = 0; i < frames; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
        paths.push_back(dir / name);
    }
    return paths;
}

// In a child: renders every frame and writes it as JPEG q95. Values: render s, write s, bytes.
Payload render(const synth::WarpedStackOptions& o, const std::vector<fs::path>& paths) {
    Payload p;
    const synth::WarpedStack stack(o);
    for (int i = 0; i < stack.size(); ++i) {
        auto t = Clock::now();
        const cv::Mat frame = stack.render(i);
        p.value[0] += since(t);
        t = Clock::now();
        if (!cv::imwrite(paths[size_t(i)].string(), frame, {cv::IMWRITE_JPEG_QUALITY, 95}))
            throw std::runtime_error("cannot write " + paths[size_t(i)].string());
        p.value[1] += since(t);
        p.value[2] += double(fs::file_size(paths[size_t(i)]));
    }
    return p;
}

// In a child: the analysing pass of the pipeline `fstack stack` builds with its defaults, on the
// files, without stacking; writes each frame's transform to `out`. Value: seconds.
Payload estimate(const std::vector<fs::path>& paths, const fs::path& out) {
    Payload p;
    const auto t = Clock::now();
    FileFrameSource source(paths);
    const FramePipeline pipeline = cli::frame_pipeline(cli::FrameActionOptions{});
    ProcessedFrameSource processed(source, pipeline.clone_actions(), pipeline.options);
    processed.prepare();
    p.value[0] = since(t);
    const std::shared_ptr<const FrameGeometry> g = processed.geometry();
    std::ofstream file(out);
    for (size_t i = 0; i < paths.size(); ++i) {
        const cv::Matx33d m = g && i < g->to_reference.size() ? g->to_reference[i] : cv::Matx33d::eye();
        const bool aligned = g && i < g->aligned.size() && g->aligned[i];
        file.precision(17);
        file << i << ' ' << aligned;
        for (int k = 0; k < 9; ++k) file << ' ' << m.val[k];
        file << '\n';
    }
    if (!file) throw std::runtime_error("cannot write " + out.string());
    return p;
}

struct Transform {
    cv::Matx33d to_reference = cv::Matx33d::eye();
    bool aligned = false;
};

std::vector<Transform> read_transforms(const fs::path& path, int frames) {
    std::vector<Transform> t(static_cast<size_t>(frames));
    std::ifstream in(path);
    size_t i = 0;
    bool aligned = false;
    while (in >> i >> aligned) {
        if (i >= t.size()) throw std::runtime_error("bad frame index in " + path.string());
        for (int k = 0; k < 9; ++k) in >> t[i].to_reference.val[k];
        t[i].aligned = aligned;
    }
    return t;
}

std::string num(double v, int decimals) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

}  // namespace

int run_align_case(const AlignCaseOptions& a, const fs::path& dir) {
    const synth::WarpedStackOptions o = stack_options(a);
    const fs::path frames_dir = dir / "frames";
    fs::create_directories(frames_dir);
    const std::vector<fs::path> paths = frame_paths(frames_dir, a.frames);
    const std::string label = std::to_string(a.width) + "x" + std::to_string(a.height) + "x" + std::to_string(a.frames);
    std::printf("align case %s: breathing %.1f%%, shifts up to %.0f px, rotation up to %.2f deg, gain up to %.0f%%, "
                "defocus sigma %.1f px per depth unit, noise %.1f, seed %u, reference frame %d\n",
                label.c_str(), 100 * o.breathing, o.max_shift, o.max_rotation_deg, 100 * o.max_gain, o.max_blur,
                o.noise, o.seed, synth::reference_of(o.frames));
    std::printf("rendering %s ...\n", label.c_str());
    const ChildOutcome r = run_in_child([&] { return render(o, paths); });
    if (!r.error.empty()) throw std::runtime_error("render: " + r.error);
    std::printf("rendered in %.1f s (frames %.2f s, JPEG q95 write %.2f s, %.1f MB/frame, peak %.0f MiB)\n\n",
                r.wall_s, r.payload.value[0], r.payload.value[1], r.payload.value[2] / a.frames / 1e6,
                r.peak_rss_mib);

    struct Row {
        std::string run;
        double time = 0, rss = 0;
    };
    Row none;
    auto print = [&](const Row& row) {
        std::printf("%-16s %-28s %8.2f %9.1f %7.2f %8.2f\n", label.c_str(), row.run.c_str(), row.time, row.rss,
                    row.time / none.time, row.rss / none.rss);
        std::fflush(stdout);
    };
    int failures = 0;
    auto cli_run = [&](const std::string& name, const std::vector<std::string>& extra) {
        std::vector<std::string> argv{a.cli, "stack", frames_dir.string(), "-o", (dir / (name + ".jpg")).string(), "-q",
                                      "--overwrite"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        const ChildOutcome c = run_program(argv);
        if (!c.error.empty()) {
            std::fprintf(stderr, "fstack_bench: %s: %s\n", name.c_str(), c.error.c_str());
            ++failures;
        }
        return c;
    };
    // Each run `repeat` times, interleaved (none, defaults, rigid, none, ...); medians reported.
    struct Runs {
        std::string run;
        std::vector<double> time, rss;
        Row median() const {
            auto mid = [](std::vector<double> v) {
                if (v.empty()) return std::nan("");
                std::sort(v.begin(), v.end());
                return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
            };
            return {run, mid(time), mid(rss)};
        }
    };
    Runs decode{"decode-only", {}, {}}, runs_none{"fstack stack --align none", {}, {}},
        runs_defaults{"fstack stack (defaults)", {}, {}}, runs_rigid{"fstack stack --align rigid", {}, {}};
    const int repeat = std::max(1, a.repeat);
    for (int k = 0; k < repeat; ++k) {
        const ChildOutcome d = run_in_child([&] { return decode_only(paths); });
        if (!d.error.empty()) throw std::runtime_error("decode: " + d.error);
        decode.time.push_back(d.payload.value[0]);
        decode.rss.push_back(d.peak_rss_mib);
        for (Runs* r : {&runs_none, &runs_defaults, &runs_rigid}) {
            if (r == &runs_rigid && !a.with_rigid) continue;
            const ChildOutcome c = r == &runs_none ? cli_run("none", {"--align", "none"})
                                 : r == &runs_rigid ? cli_run("rigid", {"--align", "rigid"})
                                                    : cli_run("defaults", {});
            if (!c.error.empty()) continue;  // counted as a failure; no figure
            r->time.push_back(c.wall_s);
            r->rss.push_back(c.peak_rss_mib);
        }
        if (repeat > 1) std::printf("(run %d of %d done)\n", k + 1, repeat);
    }
    std::printf("%-16s %-28s %8s %9s %7s %8s%s\n", "stack", "run", "time s", "peak MiB", "t/none", "RSS/none",
                repeat > 1 ? "   (medians)" : "");
    none = runs_none.median();
    const Row defaults = runs_defaults.median();
    print(decode.median());
    print(none);
    print(defaults);
    if (a.with_rigid) print(runs_rigid.median());
    const fs::path transforms = dir / "transforms.txt";
    const ChildOutcome e = run_in_child([&] { return estimate(paths, transforms); });
    if (!e.error.empty()) throw std::runtime_error("estimate: " + e.error);
    print({"align only (API)", e.payload.value[0], e.peak_rss_mib});
    std::printf("(decode-only and align only run in-process; the fstack rows are whole runs of the executable, "
                "JPEG written; align only: the default pipeline's analysing pass, no stacking)\n\n");

    // Corner errors: the API's estimate against the known warps.
    const std::vector<synth::FrameMotion> motions = synth::draw_motions(o);
    const std::vector<Transform> found = read_transforms(transforms, a.frames);
    const cv::Size size(a.width, a.height);
    std::printf("%5s %7s %8s %8s %8s %8s %6s %9s %10s %8s\n", "frame", "scale", "rot deg", "dx px", "dy px", "gain",
                "focus", "moved px", "corner px", "applied");
    double worst = 0, sum = 0;
    int over = 0;
    for (int i = 0; i < a.frames; ++i) {
        const synth::FrameMotion& m = motions[size_t(i)];
        const cv::Matx33d truth = synth::to_reference(m, size);
        const double err = synth::corner_error(found[size_t(i)].to_reference, truth, size);
        const double moved = synth::corner_error(cv::Matx33d::eye(), truth, size);
        const double focus = synth::focus_depth(o, i);
        std::printf("%5d %7.4f %8.3f %8.2f %8.2f %8.3f %6.2f %9.2f %10.4f %8s\n", i, m.scale, m.angle_deg, m.dx, m.dy,
                    m.gain, focus, moved, err,
                    i == synth::reference_of(a.frames) ? "ref" : found[size_t(i)].aligned ? "yes" : "no");
        worst = std::max(worst, err);
        sum += err;
        over += err > kMaxCornerError;
    }
    const double t_ratio = defaults.time / none.time, m_ratio = defaults.rss / none.rss;
    auto verdict = [&](bool ok) {
        failures += !ok;
        return ok ? "PASS" : "FAIL";
    };
    std::printf("\ncorner error: worst %s px, mean %s px, %d of %d frames over %.2f px\n", num(worst, 4).c_str(),
                num(sum / a.frames, 4).c_str(), over, a.frames, kMaxCornerError);
    std::printf("issue 12: defaults/none time %.2f (at most %.2f) %s; peak memory %.2f (at most %.2f) %s; "
                "corner error %s\n",
                t_ratio, kMaxTimeRatio, verdict(t_ratio <= kMaxTimeRatio), m_ratio, kMaxRssRatio,
                verdict(m_ratio <= kMaxRssRatio), verdict(over == 0));
    return failures ? 1 : 0;
}

}  // namespace fstack::bench
