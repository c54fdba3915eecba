// SPDX-License-Identifier: GPL-3.0-or-later
// fstack_bench: `fstack stack` and focus-stack on the same frames.
#include "peer_case.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <sstream>

#include "child_process.hpp"

namespace fstack::bench {
namespace fs = std::filesystem;

std::string read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {

// The first `name` on PATH that is an executable file; empty when none.
fs::path on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string d; std::getline(dirs, d, ':');) {
        const fs::path candidate = fs::path(d.empty() ? "." : d) / name;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

}  // namespace

void compare_with_peers(const std::vector<fs::path>& frames, const fs::path& dir, double decode_s) {
    struct Run {
        std::string name;
        std::vector<std::string> argv;
        ChildOutcome outcome;
    };
    std::vector<Run> runs;
    const auto with_frames = [&](std::vector<std::string> argv) {
        for (const fs::path& f : frames) argv.push_back(f.string());
        return argv;
    };
    runs.push_back({"fstack stack", with_frames({FSTACK_CLI, "stack", "-o", (dir / "peer_fstack.jpg").string(), "-q",
                                                "--overwrite"}), {}});
    runs.push_back({"fstack stack --align none",
                    with_frames({FSTACK_CLI, "stack", "-o", (dir / "peer_fstack_none.jpg").string(), "-q",
                                 "--overwrite", "--align", "none", "--balance", "none"}),
                    {}});
    const fs::path focus_stack = on_path("focus-stack");
    if (!focus_stack.empty())
        runs.push_back({"focus-stack", with_frames({focus_stack.string(), "--output=" + (dir / "peer_focus_stack.jpg").string()}), {}});
    std::printf("\n  %-28s %8s %9s %9s %12s\n", "executable (whole run)", "time s", "peak MiB", "t/decode", "t/focus-stack");
    for (Run& r : runs) r.outcome = run_program(r.argv);
    const double peer = focus_stack.empty() || !runs.back().outcome.error.empty() ? 0 : runs.back().outcome.wall_s;
    for (const Run& r : runs) {
        if (!r.outcome.error.empty()) {
            std::printf("  %-28s failed: %s\n", r.name.c_str(), r.outcome.error.c_str());
            continue;
        }
        char vs_peer[32] = "-";
        if (peer > 0) std::snprintf(vs_peer, sizeof vs_peer, "%.2f", r.outcome.wall_s / peer);
        std::printf("  %-28s %8.2f %9.1f %9.2f %12s\n", r.name.c_str(), r.outcome.wall_s, r.outcome.peak_rss_mib,
                    r.outcome.wall_s / decode_s, vs_peer);
    }
    if (focus_stack.empty())
        std::printf("  (focus-stack skipped: no focus-stack executable on PATH; Debian 12 does not package it)\n");
    std::fflush(stdout);
}

}  // namespace fstack::bench
