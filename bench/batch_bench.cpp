// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_batch_bench: does `fstack batch --jobs 2` beat `--jobs 1`, and does it stay within
// --max-memory? Renders a synthetic OpenScan-style batch (scan_1.jpg ... with N frames per
// position), then times both runs of the real CLI in child processes, in the same run, and
// prints the ratio and each run's peak RSS (wait4's ru_maxrss) against the budget.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "synthetic.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
    double seconds = 0;
    double peak_mib = 0;
    int status = -1;
};

Run run(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peak_mib = usage.ru_maxrss / 1024.0;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int stacks = 8, frames = 8, width = 1600, height = 1200;
    std::string budget = "1500M";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--stacks") stacks = std::atoi(argv[i + 1]);
        else if (k == "--frames") frames = std::atoi(argv[i + 1]);
        else if (k == "--size") std::sscanf(argv[i + 1], "%dx%d", &width, &height);
        else if (k == "--max-memory") budget = argv[i + 1];
        else { std::fprintf(stderr, "usage: fstack_batch_bench [--stacks N] [--frames N] [--size WxH] [--max-memory SIZE]\n"); return 2; }
    }
    const fs::path work = fs::temp_directory_path() / ("fstack-batch-bench-" + std::to_string(getpid()));
    fs::create_directories(work / "in");
    std::printf("fstack_batch_bench: %d stacks of %d frames, %dx%d, budget %s, %ld CPUs\n", stacks, frames,
                width, height, budget.c_str(), sysconf(_SC_NPROCESSORS_ONLN));
    int n = 1;
    for (int s = 0; s < stacks; ++s) {
        fstack::synth::SceneOptions o;
        o.width = width;
        o.height = height;
        o.frames = frames;
        o.seed = 100 + s;
        const fstack::synth::Scene scene = fstack::synth::make_scene(o);
        for (int i = 0; i < frames; ++i)
            cv::imwrite((work / "in" / ("scan_" + std::to_string(n++) + ".jpg")).string(),
                        fstack::synth::render_frame(scene, i), {cv::IMWRITE_JPEG_QUALITY, 95});
    }
    Run runs[2];
    for (int jobs = 1; jobs <= 2; ++jobs) {
        const fs::path out = work / ("out" + std::to_string(jobs));
        runs[jobs - 1] = run({FSTACK_CLI, "batch", (work / "in").string(), "-o", out.string(), "--stack-size",
                              std::to_string(frames), "--jobs", std::to_string(jobs), "--max-memory", budget,
                              "--quiet"});
        std::printf("--jobs %d: %.2f s, peak RSS %.0f MiB, exit %d\n", jobs, runs[jobs - 1].seconds,
                    runs[jobs - 1].peak_mib, runs[jobs - 1].status);
    }
    const double budget_mib = std::atof(budget.c_str()) * (budget.back() == 'G' ? 1024.0 : 1.0);
    std::printf("time --jobs 2 / --jobs 1: %.2f (speed-up %.2fx)\n", runs[1].seconds / runs[0].seconds,
                runs[0].seconds / runs[1].seconds);
    std::printf("peak RSS --jobs 2 / budget: %.2f (%s)\n", runs[1].peak_mib / budget_mib,
                runs[1].peak_mib <= budget_mib ? "within" : "OVER");
    std::error_code ec;
    fs::remove_all(work, ec);
    return runs[0].status == 0 && runs[1].status == 0 && runs[1].peak_mib <= budget_mib ? 0 : 1;
}
