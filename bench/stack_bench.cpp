// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_bench: wall time, peak memory and quality of the stackers on synthetic focus stacks
// with a known answer. See README.md.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "align_case.hpp"
#include "stack_args.hpp"
#include "warp_case.hpp"
#include "peer_case.hpp"
#include "fstack/threads.hpp"
#include "child_process.hpp"
#include "fstack/kernels/device/device.hpp"
#include "fstack/stack_frames.hpp"
#include "steps.hpp"

namespace fs = std::filesystem;
using namespace fstack::bench;

namespace {

std::string num(double v, int decimals) {
    if (std::isnan(v)) return "-";
    if (std::isinf(v)) return "inf";
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

constexpr double kNone = std::nan("");

// One table row: the figures of one run of one stack.
struct Row {
    std::string config, run;
    double time = kNone, rss = kNone, psnr = kNone, halo = kNone, ssim = kNone, depth = kNone;
    double time_ratio = kNone, mib_per_mp = kNone, rss_ratio = kNone;
};

void print_header() {
    std::printf("%-16s %-12s %7s %9s %8s %8s %7s %7s %9s %7s %8s\n", "stack", "run", "time s",
                "peak MiB", "PSNR dB", "halo dB", "SSIM", "sharp%", "t/decode", "MiB/MP",
                "RSS/dec");
}

void print_row(const Row& r) {
    std::printf("%-16s %-12s %7s %9s %8s %8s %7s %7s %9s %7s %8s\n", r.config.c_str(), r.run.c_str(),
                num(r.time, 2).c_str(), num(r.rss, 1).c_str(), num(r.psnr, 2).c_str(),
                num(r.halo, 2).c_str(), num(r.ssim, 4).c_str(), num(r.depth, 1).c_str(),
                num(r.time_ratio, 2).c_str(), num(r.mib_per_mp, 1).c_str(),
                num(r.rss_ratio, 2).c_str());
    std::fflush(stdout);
}

ChildOutcome must(ChildOutcome o, const std::string& what) {
    if (!o.error.empty()) throw std::runtime_error(what + ": " + o.error);
    return o;
}

struct Measured {
    Row decode;
    std::vector<Row> stacks;  // per stacker
};

struct Rendered {
    StackFiles files;
    Row oracle[2];  // per subset: the best-frame-per-pixel oracle's quality
};

// Renders `config` into `dir`, with the given frame subsets (at most 2), and prints the render
// times.
Rendered render(const Args& args, const Config& config, const fs::path& dir,
                  const std::vector<std::vector<int>>& subsets) {
    fs::create_directories(dir);
    const StackFiles files = stack_files(dir, config.frames);
    fstack::synth::SceneOptions o;
    o.width = config.width;
    o.height = config.height;
    o.frames = config.frames;
    o.seed = args.seed;
    o.max_coc = args.max_coc;
    o.noise = args.noise;
    std::printf("rendering %s ...\n", config.label().c_str());
    std::fflush(stdout);
    const ChildOutcome r =
        must(run_in_child([&] { return render_stack(o, files, subsets); }), "render " + config.label());
    const double* v = r.payload.value;
    std::printf("rendered %s in %.1f s (%d OpenCV threads, peak %.0f MiB): scene %.2f s, frames "
                "%.2f s (%.2f s/frame), JPEG q95 encode+write %.2f s, %.1f MB/frame\n",
                config.label().c_str(), r.wall_s, int(v[3]), r.peak_rss_mib, v[0], v[1],
                v[1] / config.frames, v[2], v[4] / config.frames / 1e6);
    Rendered out{files, {}};
    for (int k = 0; k < 2; ++k) {
        out.oracle[k].run = "oracle";
        out.oracle[k].psnr = v[5 + 3 * k];
        out.oracle[k].halo = v[6 + 3 * k];
        out.oracle[k].ssim = v[7 + 3 * k];
    }
    return out;
}

// Decode-only and every stacker on the frames `subset` of `files`.
Measured measure(const Args& args, const StackFiles& files, const std::vector<int>& subset,
                 const std::string& label, double megapixels) {
    std::vector<fs::path> paths;
    std::vector<double> focus;  // as in synth::Scene::focus
    for (int i : subset) {
        paths.push_back(files.frames[i]);
        focus.push_back(double(i) / double(files.frames.size() - 1));
    }
    Measured m;
    const ChildOutcome d = must(run_in_child([&] { return decode_only(paths); }), "decode " + label);
    m.decode.config = label;
    m.decode.run = "decode-only";
    m.decode.time = d.payload.value[0];
    m.decode.rss = d.peak_rss_mib;
    m.decode.time_ratio = 1;
    m.decode.mib_per_mp = d.peak_rss_mib / megapixels;
    m.decode.rss_ratio = 1;
    print_row(m.decode);
    const int cores = fstack::available_cores();
    std::string no_gpu;
    const bool gpu_rows = args.device != "cpu";
    const bool on_host = args.device == "host";
    const std::string gpu_device = on_host ? "host" : "cuda";
    const bool have_gpu = on_host || (gpu_rows && fstack::kernels::gpu_available(&no_gpu));
    for (const std::string& name : args.stackers) {
        // One stack on `threads` threads and `device`: its row, and its files (kept until the
        // comparisons below are made).
        struct Run {
            Row row;
            fs::path result, depth;
            double device_mib = -1;
        };
        auto run = [&](int threads, const std::string& device) {
            const std::string tag = name + "_" + std::to_string(subset.size()) + "_t" + std::to_string(threads) + device;
            Run out{{}, files.result(tag), files.depth(tag)};
            const ChildOutcome s = must(run_in_child([&] {
                                            return stack(name, paths, out.result, out.depth, threads, device);
                                        }),
                                        name + " " + device + " " + label);
            const ChildOutcome e = must(run_in_child([&] {
                                            return evaluate(files, focus, args.max_coc, out.result, out.depth);
                                        }),
                                        "evaluate " + name + " " + label);
            Row& row = out.row;
            row.config = label;
            row.run = name + (device == "cpu" ? " t" + std::to_string(threads) : " " + device);
            row.time = s.payload.value[0];
            row.rss = s.peak_rss_mib;
            out.device_mib = s.payload.value[1];
            row.psnr = e.payload.value[0];
            row.halo = e.payload.value[1];
            row.ssim = e.payload.value[2];
            row.depth = e.payload.value[3] >= 0 ? e.payload.value[3] : kNone;
            row.time_ratio = row.time / m.decode.time;
            row.mib_per_mp = row.rss / megapixels;
            row.rss_ratio = row.rss / m.decode.rss;
            print_row(row);
            return out;
        };
        auto drop = [&](const Run& r) {
            if (args.keep) return;
            fs::remove(r.result);
            fs::remove(r.depth);
        };
        // One thread, then every core, in the same run: the speed-up, and the same result. With
        // --device cuda, every core only (the GPU's reference).
        std::vector<Run> cpu;
        if (args.device == "all" || args.device == "cpu" || cores == 1) cpu.push_back(run(1, "cpu"));
        if (cores > 1) cpu.push_back(run(cores, "cpu"));
        if (cpu.size() == 2)
            std::printf("  %s: %.2fx faster on %d threads than on 1; results %s\n", name.c_str(),
                        cpu[0].row.time / cpu[1].row.time, cores,
                        read_bytes(cpu[0].result) + read_bytes(cpu[0].depth) ==
                                read_bytes(cpu[1].result) + read_bytes(cpu[1].depth)
                            ? "bit-identical"
                            : "DIFFER (a defect)");
        const Run& reference = cpu.back();
        m.stacks.push_back(reference.row);
        if (gpu_rows && !have_gpu) {
            std::printf("  %s cuda: skipped: no usable CUDA device: %s\n", name.c_str(), no_gpu.c_str());
        } else if (gpu_rows) {
            const Run g = run(cores, gpu_device);
            if (g.device_mib < 0) {
                std::printf("  %s %s: no GPU path yet: it ran on the CPU (the row above is the CPU's)\n",
                            name.c_str(), gpu_device.c_str());
            } else {
                const ChildOutcome c = must(run_in_child([&] {
                                                return compare_results(reference.result, reference.depth, g.result,
                                                                       g.depth);
                                            }),
                                            "compare " + name);
                std::printf("  %s %s: %.2fx the speed of the CPU on %d threads (%.2f s against %.2f s; "
                            "decode-only %.2f s), %.0f MiB of device memory at most, host peak %.0f MiB "
                            "against %.0f MiB; against the CPU result: largest difference %.0f level(s), "
                            "depth maps %.2f%% equal\n",
                            name.c_str(), gpu_device.c_str(), reference.row.time / g.row.time, cores, g.row.time, reference.row.time,
                            m.decode.time, g.device_mib, g.row.rss, reference.row.rss, c.payload.value[0],
                            c.payload.value[1]);
                m.stacks.push_back(g.row);
            }
            drop(g);
        }
        for (const Run& r : cpu) drop(r);
    }
    if (args.peers) compare_with_peers(paths, files.dir, m.decode.time);
    return m;
}

int run_presets(const Args& args, const fs::path& work) {
    std::vector<Row> all;
    for (const Config& c : args.configs) {
        std::vector<int> every;
        for (int i = 0; i < c.frames; ++i) every.push_back(i);
        const fs::path dir = work / c.label();
        Rendered r = render(args, c, dir, {every});
        print_header();
        r.oracle[0].config = c.label();
        print_row(r.oracle[0]);
        const Measured m = measure(args, r.files, every, c.label(), c.megapixels());
        all.push_back(r.oracle[0]);
        all.push_back(m.decode);
        all.insert(all.end(), m.stacks.begin(), m.stacks.end());
        std::printf("\n");
    }
    std::printf("summary (time and RSS ratios are against decode-only of the same stack, same run)\n");
    print_header();
    for (const Row& r : all) print_row(r);
    return 0;
}

int run_scaling(const Args& args, const fs::path& work) {
    const Config big = args.scaling;
    const std::vector<int> small = spread(big.frames, args.scaling_small);
    std::vector<int> every;
    for (int i = 0; i < big.frames; ++i) every.push_back(i);
    const fs::path dir = work / big.label();
    Rendered r = render(args, big, dir, {every, small});
    const std::string label_small = std::to_string(big.width) + "x" + std::to_string(big.height) +
                                    "x" + std::to_string(small.size()) + "/" +
                                    std::to_string(big.frames);
    print_header();
    r.oracle[1].config = label_small;
    print_row(r.oracle[1]);
    const Measured few = measure(args, r.files, small, label_small, big.megapixels());
    r.oracle[0].config = big.label();
    print_row(r.oracle[0]);
    const Measured many = measure(args, r.files, every, big.label(), big.megapixels());

    std::printf("\nmemory scaling, %s: peak RSS with %zu frames vs %d frames (requirement: within 15%%)\n",
                big.label().c_str(), small.size(), big.frames);
    std::printf("%-12s %12s %12s %8s %10s %10s  %s\n", "run", "MiB (15)", "MiB (60)", "ratio",
                "time 15 s", "time 60 s", "verdict");
    int failures = 0;
    auto line = [&](const Row& a, const Row& b, bool judged) {
        const double ratio = b.rss / a.rss;
        const bool ok = ratio <= 1.15;
        if (judged && !ok) ++failures;
        std::printf("%-12s %12.1f %12.1f %8.3f %10.2f %10.2f  %s\n", a.run.c_str(), a.rss, b.rss,
                    ratio, a.time, b.time, judged ? (ok ? "PASS" : "FAIL") : "(reference)");
    };
    line(few.decode, many.decode, false);
    for (size_t k = 0; k < few.stacks.size(); ++k) line(few.stacks[k], many.stacks[k], true);
    return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fstack_bench: %s\n", e.what());
        return 2;
    }
    fs::path work;
    int status = 0;
    try {
        fs::create_directories(args.workdir);
        std::string pattern = (args.workdir / "fstack-bench-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a folder in " + args.workdir.string());
        work = pattern;
        if (args.warp) {
            status = fstack::bench::run_warp_case(args.warp_width, args.warp_height,
                                                  args.align_case.repeat > 1 ? args.align_case.repeat : 5);
        } else {
            if (args.align)
                std::printf("fstack_bench: %u hardware threads, work folder %s\n", std::thread::hardware_concurrency(),
                            work.c_str());
            else
                std::printf("fstack_bench: %u hardware threads, work folder %s, max CoC %.1f px, noise %.1f, seed %u\n",
                            std::thread::hardware_concurrency(), work.c_str(), args.max_coc, args.noise, args.seed);
            const ChildOutcome idle = run_in_child([] { return Payload{}; });
            std::printf("baseline: an idle child process peaks at %.1f MiB\n\n", idle.peak_rss_mib);
            status = args.align ? fstack::bench::run_align_case(args.align_case, work)
                     : args.memory_scaling ? run_scaling(args, work) : run_presets(args, work);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fstack_bench: %s\n", e.what());
        status = 1;
    }
    if (!work.empty()) {
        if (args.keep) {
            std::printf("kept %s\n", work.c_str());
        } else {
            std::error_code ec;
            fs::remove_all(work, ec);
        }
    }
    return status;
}
