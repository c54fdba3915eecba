// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// fstack_bench's command line: the stacks to render and what to run on them (see README.md).
#include <filesystem>
#include <string>
#include <vector>

#include "align_case.hpp"

namespace fstack::bench {

struct Config {
    int width, height, frames;
    std::string label() const {
        return std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(frames);
    }
    double megapixels() const { return width * double(height) / 1e6; }
};

inline const Config kMedium{2000, 1500, 10}, kLarge{4000, 3000, 15};

struct Args {
    std::vector<Config> configs{kMedium, kLarge};
    std::vector<std::string> stackers{"pyramid", "depthmap", "focusmeasure"};
    // cpu: the CPU rows only; cuda: also the GPU row of each stacker against the CPU on every
    // core; all: the one-thread CPU row too. GPU rows are skipped, with the reason, where no
    // CUDA device answers or a stacker has no GPU path.
    std::string device = "cpu";
    bool peers = true;  // `fstack stack` and focus-stack (when on PATH) on the same frames
    std::filesystem::path workdir = std::filesystem::temp_directory_path();
    bool keep = false;
    bool memory_scaling = false;
    Config scaling{4000, 3000, 60};
    int scaling_small = 15;
    double max_coc = 12;
    double noise = 1;
    unsigned seed = 1;
    bool align = false;  // the alignment case instead (align_case.hpp)
    bool warp = false;   // the warp case instead (warp_case.hpp)
    int warp_width = 4000, warp_height = 3000;
    AlignCaseOptions align_case;
};

// Parses the options; throws std::invalid_argument with the reason. --help prints the usage
// and exits.
Args parse(int argc, char** argv);

}  // namespace fstack::bench
