// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <functional>

#include <CLI/CLI.hpp>

namespace fstack::cli {

// A subcommand: its CLI11 App (options bound to state the run function owns) and what to do
// once parsing succeeded. Running is kept apart from parsing so that a parse error can never
// happen after work has begun, and each kind of failure maps to its own exit code.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

// One function per subcommand, each in its own cmd_*.cpp.
Command add_stack_command(CLI::App& root);
Command add_batch_command(CLI::App& root);
Command add_layers_command(CLI::App& root);
Command add_run_command(CLI::App& root);        // cmd_run.cpp: job files
Command add_noise_map_command(CLI::App& root);  // cmd_noise_map.cpp
Command add_info_command(CLI::App& root);       // cmd_info.cpp: what fstack sees of the machine

}  // namespace fstack::cli
