// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "fstack/depthmap_stack.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/pyramid_stack.hpp"

namespace fstack::cli {

// The --stacker choice and its options under the seed's names, shared by every subcommand
// that stacks (stack, layers, batch).
struct StackerOptions {
    std::string stacker = "pyramid";
    PyramidStackOptions pyramid;
    DepthMapStackOptions depthmap;
    FocusStackerOptions focusmeasure;
    std::optional<int> kernel_size;  // one option feeds both stackers' kernel_size
    std::string map_type;
    std::string energy;
    bool no_cross_scale = false;
    bool no_consistency = false;

    // Set by add_stacker_options so that check() can tell which options were given.
    CLI::Option* pyramid_only[4] = {};
    CLI::Option* depthmap_only[4] = {};
    CLI::Option* focusmeasure_only[3] = {};
    CLI::Option* kernel_size_option = nullptr;  // pyramid and depthmap, not focusmeasure
};

void add_stacker_options(CLI::App& app, StackerOptions& options);

// Refuses options of the stacker not chosen (they would silently do nothing) and values that
// the chosen stacker does not accept. Throws Error(Usage).
void check_stacker_options(StackerOptions& options);

std::unique_ptr<Stacker> make_stacker(const StackerOptions& options);

}  // namespace fstack::cli
