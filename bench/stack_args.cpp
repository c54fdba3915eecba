// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_bench's command line.
#include "stack_args.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace fstack::bench {
namespace fs = std::filesystem;
namespace {


void usage(std::FILE* out) {
    std::fprintf(out,
R"(usage: fstack_bench [options]

Renders synthetic focus stacks (JPEG q95) with a known all-in-focus answer and, for each,
times in a child process: decoding every frame (the reference), then each stacker through
FileFrameSource + stack_frames. Reports wall time, peak RSS, PSNR/SSIM against the ground
truth and ratios.

  --preset medium|large|all   2000x1500x10, 4000x3000x15, or both (default: all)
  --size WxH --frames N       one custom stack instead of the presets
  --stacker pyramid|depthmap|focusmeasure|all   (default: all); each on 1 thread and on every
                              core, with the speed-up and a check that the results are identical
  --device cpu|cuda|all|host  cpu (default): the CPU rows; cuda: each stacker also on the first
                              CUDA device (`--device cuda`), against the CPU on every core, with
                              the device's peak memory and the largest difference from the CPU
                              result; all: the one-thread CPU rows as well. Without a usable
                              device the GPU rows are skipped and say why. host: as cuda, the
                              GPU pipelines on the host executor (slow: checks the GPU
                              rows without a GPU)
  --no-peers                  skip `fstack stack` (defaults) and focus-stack (if on PATH) on the
                              same frames
  --memory-scaling            instead: stack 15 and 60 frames of one 4000x3000 scene (or
                              --size) and compare peak RSS; fails if 60 frames need more
                              than 15%% more memory than 15
  --align                     instead: the alignment case (default 4000x3000x15, or --size
                              and --frames): frames with known warps, decode-only,
                              `fstack stack --align none` and with its defaults, time and peak
                              RSS against --align none, every frame's corner error
  --warp                      instead: the alignment's full-size warp against
                              cv::warpAffine (cubic) on one 4000x3000 frame (or --size) of
                              8-bit grey, 8-bit RGB, 16-bit RGB and float RGB: time, ratio,
                              largest difference (median of --repeat runs, default 5)
  --breathing F --shift PX --rotation DEG --gain F
                              the --align case's motion (defaults 0.02, 30, 0.5, 0.06)
  --blur PX                   the --align case's defocus sigma per depth unit (default 0.6%%
                              of the long side)
  --with-rigid                the --align case also runs `fstack stack --align rigid`
  --repeat N                  the --align case runs each timed row N times (interleaved)
                              and reports the medians (default 1)
  --max-coc PX                blur radius for the full depth range (default 12)
  --noise SIGMA               sensor noise, 8-bit units (default 1)
  --seed N                    scene seed (default 1)
  --workdir DIR               where to make the temporary folder (default: system temp)
  --keep                      keep the rendered frames and results
)");
}

Config parse_size(const std::string& s, int frames) {
    const size_t x = s.find('x');
    if (x == std::string::npos) throw std::invalid_argument("--size wants WxH, got " + s);
    Config c{std::stoi(s.substr(0, x)), std::stoi(s.substr(x + 1)), frames};
    if (c.width < 64 || c.height < 64) throw std::invalid_argument("--size too small: " + s);
    return c;
}

}  // namespace

Args parse(int argc, char** argv) {
    Args a;
    std::string size;
    int frames = 0;
    bool preset = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        } else if (arg == "--preset") {
            const std::string v = value();
            preset = true;
            if (v == "medium") a.configs = {kMedium};
            else if (v == "large") a.configs = {kLarge};
            else if (v == "all") a.configs = {kMedium, kLarge};
            else throw std::invalid_argument("unknown preset " + v);
        } else if (arg == "--size") {
            size = value();
        } else if (arg == "--frames") {
            frames = std::stoi(value());
            if (frames < 2) throw std::invalid_argument("--frames must be at least 2");
        } else if (arg == "--stacker") {
            const std::string v = value();
            if (v == "all") a.stackers = {"pyramid", "depthmap", "focusmeasure"};
            else if (v == "pyramid" || v == "depthmap" || v == "focusmeasure") a.stackers = {v};
            else throw std::invalid_argument("unknown stacker " + v);
        } else if (arg == "--device") {
            a.device = value();
            if (a.device != "cpu" && a.device != "cuda" && a.device != "all" && a.device != "host")
                throw std::invalid_argument("--device wants cpu, cuda, all or host, got " + a.device);
        } else if (arg == "--memory-scaling") {
            a.memory_scaling = true;
        } else if (arg == "--align") {
            a.align = true;
        } else if (arg == "--warp") {
            a.warp = true;
        } else if (arg == "--breathing") {
            a.align_case.breathing = std::stod(value());
        } else if (arg == "--shift") {
            a.align_case.max_shift = std::stod(value());
        } else if (arg == "--rotation") {
            a.align_case.max_rotation_deg = std::stod(value());
        } else if (arg == "--gain") {
            a.align_case.max_gain = std::stod(value());
        } else if (arg == "--blur") {
            a.align_case.max_blur = std::stod(value());
        } else if (arg == "--with-rigid") {
            a.align_case.with_rigid = true;
        } else if (arg == "--repeat") {
            a.align_case.repeat = std::stoi(value());
            if (a.align_case.repeat < 1) throw std::invalid_argument("--repeat must be at least 1");
        } else if (arg == "--max-coc") {
            a.max_coc = std::stod(value());
        } else if (arg == "--noise") {
            a.noise = std::stod(value());
        } else if (arg == "--seed") {
            a.seed = unsigned(std::stoul(value()));
        } else if (arg == "--workdir") {
            a.workdir = value();
        } else if (arg == "--keep") {
            a.keep = true;
        } else if (arg == "--no-peers") {
            a.peers = false;
        } else {
            throw std::invalid_argument("unknown option " + arg + " (see --help)");
        }
    }
    if (a.warp) {
        if (preset || a.memory_scaling || a.align) throw std::invalid_argument("--warp excludes --preset, --memory-scaling and --align");
        if (!size.empty()) {
            const Config c = parse_size(size, 1);
            a.warp_width = c.width;
            a.warp_height = c.height;
        }
        return a;
    }
    if (a.align) {
        if (preset || a.memory_scaling) throw std::invalid_argument("--align excludes --preset and --memory-scaling");
        if (!size.empty()) {
            const Config c = parse_size(size, 1);
            a.align_case.width = c.width;
            a.align_case.height = c.height;
        }
        if (frames > 0) a.align_case.frames = frames;
        a.align_case.seed = a.seed;
        a.align_case.noise = a.noise;
        a.align_case.cli = FSTACK_CLI;
        return a;
    }
    if (!size.empty() || frames > 0) {
        if (preset) throw std::invalid_argument("--preset and --size/--frames exclude each other");
        Config c = size.empty() ? kMedium : parse_size(size, kMedium.frames);
        if (frames > 0) c.frames = frames;
        a.configs = {c};
        if (!size.empty()) a.scaling = parse_size(size, a.scaling.frames);
    }
    return a;
}

}  // namespace fstack::bench
